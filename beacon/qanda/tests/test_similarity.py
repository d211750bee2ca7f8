"""Similar-question suggestions, measured on questions labelled by hand (tests/duplicate_pairs.py)."""

import pytest

from beacon.qanda import selectors, services, similarity
from beacon.qanda.models import Question

from .duplicate_pairs import DISTRACTORS, PAIRS


def test_labelled_set_is_big_enough():
    assert len(PAIRS) >= 30
    assert len({q for pair in PAIRS for q in pair} | set(DISTRACTORS)) == 2 * len(PAIRS) + len(DISTRACTORS)


def test_top_suggestion_is_a_true_duplicate_at_least_80_percent_of_the_time():
    """Each question is checked against a pool holding every other pair's duplicate and the distractors,
    as a moderator's queue would. A question with no suggestion counts as a miss."""
    pool = [(index, duplicate) for index, (_question, duplicate) in enumerate(PAIRS)]
    pool += [(1000 + index, text) for index, text in enumerate(DISTRACTORS)]
    hits = 0
    misses = []
    for index, (question, _duplicate) in enumerate(PAIRS):
        ranked = similarity.rank(question, pool, limit=1)
        if ranked and ranked[0][0] == index:
            hits += 1
        else:
            misses.append(question)
    precision = hits / len(PAIRS)
    print(f"top-1 duplicate precision: {hits}/{len(PAIRS)} = {precision:.0%}; missed: {misses}")
    assert precision >= 0.8


def test_unrelated_text_gets_no_suggestion():
    pool = [(1, "How do I report drug dealing anonymously?"), (2, "What is cuckooing?")]
    assert similarity.rank("Bake sale on Saturday at the church hall", pool) == []
    assert similarity.rank("", pool) == []
    assert similarity.rank("What is cuckooing?", []) == []


@pytest.mark.django_db
def test_suggestions_come_from_the_same_session_and_skip_closed_questions(make_session, editor):
    session = make_session()
    other = make_session()

    def ask(s, text):
        return services.question_submit(session=s, text=text)[0]

    question = ask(session, "How can I tell if a teenager is being groomed to run drugs?")
    duplicate = ask(session, "What are the signs a child is being groomed to carry drugs?")
    rejected = ask(session, "What are the signs that a child is being groomed to carry drugs")
    services.question_reject(question=rejected, user=editor, reason="Repeat")
    ask(other, "How can I tell if a teenager is being groomed to run drugs?")
    ask(session, "When is the Beat Bus in Rushden?")
    suggestions = selectors.similar_questions(question=question)
    assert [q for q, _score in suggestions] == [duplicate]
    assert all(q.status != Question.REJECTED for q, _ in suggestions)
