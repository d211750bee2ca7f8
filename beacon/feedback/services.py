from .models import Feedback


def feedback_submit(*, rating: int, comment: str = "") -> Feedback:
    feedback = Feedback(rating=rating, comment=comment)
    feedback.full_clean()
    feedback.save()
    return feedback
