"""Which local authority is responsible for what, for a child who lives, goes to school or is looked after in
different places (issue 20, "Children from other LAs"). Plain functions: the s19 decision page shows them and the
CME enquiry page can (`responsible_las`).

- The CME enquiry: the LA where the child lives (EA 1996 s436A is a duty about children "in its area"; Children
  missing education statutory guidance, August 2024).
- Enforcement (penalty notices, prosecution): the LA where the school is. Penalty notices are issued under the
  school's LA's local code of conduct (Education (Penalty Notices) (England) Regulations 2007 reg 13 as amended
  2024); prosecution under s444 is brought by the school's LA (practice: the LA that holds the attendance record
  and the code of conduct).
- s19 education: the LA where the child lives (EA 1996 s19(1), children "in their area"; health-needs guidance,
  December 2023; for a suspension the school provides from day 6, 2007 Regs reg 3).
- A looked-after child: the virtual school of the LA that looks after the child, wherever the child is placed
  (Children Act 1989 s22(3A)-(3B): that LA's duty to promote the child's educational achievement).
"""

from __future__ import annotations

from dataclasses import dataclass

from attend.people.models import Pupil
from attend.schools.models import LocalAuthority, School


@dataclass(frozen=True)
class Duty:
    la: LocalAuthority | None
    words: str
    source: str


def _name(la: LocalAuthority | None) -> str:
    return la.name if la is not None else "not recorded"


def responsible_las(
    pupil: Pupil | None,
    *,
    school: School | None,
    lives_in_la: LocalAuthority | None = None,
    placing_la: LocalAuthority | None = None,
) -> dict[str, Duty | None]:
    """For each duty, the LA that holds it and the words to show. `lives_in_la` None means the child lives in the
    school's LA (or where is not known: said so); `placing_la` is the LA that looks after a looked-after child."""
    school_la = school.local_authority if school is not None else None
    home = lives_in_la or school_la
    where = (
        f"the LA where the child lives ({_name(home)})"
        if lives_in_la is not None
        else f"the LA where the child lives: not recorded, so the school's LA ({_name(school_la)}) until it is known"
    )
    duties: dict[str, Duty | None] = {
        "cme_enquiry": Duty(
            home,
            f"Children missing education enquiry: {_name(home)}, {where}.",
            "EA 1996 s436A; Children missing education statutory guidance (August 2024)",
        ),
        "enforcement": Duty(
            school_la,
            f"Penalty notices and prosecution: {_name(school_la)}, the LA where the school is"
            + (
                f", even though the child lives in {lives_in_la.name}."
                if _elsewhere(lives_in_la, school_la)
                else "."
            ),
            "Education (Penalty Notices) (England) Regulations 2007 reg 13 (the school's LA's code of conduct); "
            "prosecution under EA 1996 s444 by the school's LA (practice)",
        ),
        "s19": Duty(
            home,
            f"Arranging education when illness or exclusion keeps the child out of school: {_name(home)}, {where} "
            "(for a suspension, the school provides from the sixth day).",
            "EA 1996 s19; Arranging education for children who cannot attend school because of health needs "
            "(December 2023); 2007 Regs reg 3",
        ),
        "virtual_school": None,
    }
    if pupil is not None and pupil.looked_after:
        words = (
            f"Looked after: the virtual school of {placing_la.name}, the LA that looks after the child"
            + (
                ", placed out of its area: send the referral and decisions there."
                if _elsewhere(placing_la, home)
                else "."
            )
            if placing_la is not None
            else "Looked after: the virtual school of the LA that looks after the child (not recorded: ask the "
            "child's social worker which LA)."
        )
        duties["virtual_school"] = Duty(placing_la, words, "Children Act 1989 s22(3A)")
    return duties


def _elsewhere(la: LocalAuthority | None, other: LocalAuthority | None) -> bool:
    return la is not None and other is not None and la.pk != other.pk
