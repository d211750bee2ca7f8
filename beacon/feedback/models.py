from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Feedback(models.Model):
    """What a visitor thought of the service. Deliberately holds nothing about who gave it."""

    RATINGS = [
        (5, "Very easy"),
        (4, "Easy"),
        (3, "Neither easy nor difficult"),
        (2, "Difficult"),
        (1, "Very difficult"),
    ]
    COMMENT_MAX = 1200

    rating = models.PositiveSmallIntegerField(
        choices=RATINGS, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True, max_length=COMMENT_MAX)
    received_on = models.DateField(auto_now_add=True, db_index=True)  # a day, not a moment: less to link

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name_plural = "feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            )
        ]

    def __str__(self):
        return f"{self.get_rating_display()} ({self.received_on:%d %b %Y})"
