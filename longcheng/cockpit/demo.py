"""Demo cockpit: last month's 月度通报, generated as the platform does on the first days of a
month (cockpit.tasks.monthly_bulletin_task), so the bulletin list holds one whose PDF and
Excel open. It runs after every other app's demo: the bulletin reads their history."""

from .bulletin import generate_due


def seed(log) -> None:
    made = generate_due()  # nothing when last month's bulletin exists already
    if made is not None:
        log(
            f"月度通报 {made.month:%Y-%m}：受理 {made.summary['total']} 件，"
            f"超期 {made.summary['overdue']} 件，重办 {made.summary['reopened']} 件。"
        )
