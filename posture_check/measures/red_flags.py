"""Red flags: symptoms that mean "see a clinician now", shown with every finding.

Doc 003 (003_f1656872b7ed7076.txt) lists: pain that is severe, sudden or worsening, or that
comes with significant numbness, weakness, or changes in bowel or bladder function: stop and
seek immediate medical attention; and never push through sharp, shooting or electrical pain.
Completed from the NHS and NICE lists of cauda equina syndrome and serious-pathology warning
signs (bilateral sciatica, saddle numbness, new bladder/bowel problems, progressive weakness,
foot drop). The wording is ours; the references say where each item comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NOT_A_DIAGNOSIS", "RED_FLAGS", "RED_FLAGS_HEADING", "RedFlag", "red_flags_text"]

DOC_003 = "003_f1656872b7ed7076.txt"
NHS_SCIATICA = "NHS, Sciatica: urgent advice (https://www.nhs.uk/conditions/sciatica/)"
NHS_CES = "NHS, Cauda equina syndrome (https://www.nhs.uk/conditions/cauda-equina-syndrome/)"
NICE_CKS = ("NICE Clinical Knowledge Summaries, Sciatica (lumbar radiculopathy): red flags "
            "(https://cks.nice.org.uk/topics/sciatica-lumbar-radiculopathy/)")
NICE_NG59 = "NICE guideline NG59, Low back pain and sciatica in over 16s (2016, updated 2020)"


@dataclass(frozen=True)
class RedFlag:
    """One warning sign: plain-language ``text`` and where it comes from."""

    text: str
    source_doc: str | None
    reference: str


RED_FLAGS_HEADING = "Stop and get medical help at once (A&E or emergency number) if you have:"

RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("pain that is severe, came on suddenly, or keeps getting worse", DOC_003, NICE_CKS),
    RedFlag("numbness, pins and needles or weakness in a leg that is significant or spreading",
            DOC_003, NHS_SCIATICA),
    RedFlag("any new change in bladder or bowel control: trouble starting or stopping peeing, "
            "leaking, not feeling when you need to go", DOC_003, NHS_CES),
    RedFlag("sciatica in both legs at the same time", None, NHS_SCIATICA),
    RedFlag("numbness around your bottom, genitals or inner thighs (the 'saddle' area), or "
            "altered feeling when you wipe", None, NHS_CES),
    RedFlag("weakness that is getting worse, in one or both legs", None, NICE_CKS),
    RedFlag("a foot that drops or drags, or you cannot lift your toes (foot drop)", None, NICE_CKS),
    RedFlag("sharp, shooting or electric pain during a stretch or massage: stop at once",
            DOC_003, DOC_003),
)

NOT_A_DIAGNOSIS = (
    "posture-check describes how you stand and move from a camera image. It cannot diagnose "
    "sciatica or anything else, and its readings can be wrong (clothing, camera angle, "
    "lighting). Use it to notice patterns and to talk with a clinician, not instead of one."
)


def red_flags_text() -> str:
    """The heading and the red flags as a plain-text bulleted block (for reports and screens)."""
    lines = [RED_FLAGS_HEADING]
    lines += [f"- {f.text}" for f in RED_FLAGS]
    refs = sorted({f.reference for f in RED_FLAGS} | {f"doc 003 ({DOC_003})"})
    lines.append("Sources: " + "; ".join(refs))
    return "\n".join(lines)
