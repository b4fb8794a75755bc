from celery import shared_task


@shared_task(acks_late=True)
def rescore_subject(*, subject_type: str, subject_id: int) -> None:
    from kentsoc.matrix.services import subject_rescore

    subject_rescore(subject_type=subject_type, subject_id=subject_id)
