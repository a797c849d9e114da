#!/usr/bin/env python
"""Benchmark rendering a full EHC plan (sections A-K, 40 provisions) to a tagged PDF/UA-1.

    .venv/bin/python scripts/bench_pdf.py                  # 40 provisions, 7 runs
    .venv/bin/python scripts/bench_pdf.py --provisions 80 --runs 11 --out /tmp/plan.pdf

Builds the frozen plan content purely as a dict (no database) and renders it with
ehcp.plans.documents.render_document, the same call the background worker makes. Prints each run,
the median wall time and CPU time, and the page count. No assertions: it is a measuring tool (the target is well under
one second for 40 provisions).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def full_plan_content(provisions: int = 40, *, stage: str = "FINAL_PLAN") -> dict:
    """A realistic final plan: 8 needs, 8 outcomes, `provisions` provisions spread over F, G, H1
    and H2 (three in four in F), 5 pieces of advice."""
    first, name = "Zephyrine", "Zephyrine Quillfeather"
    plan_date = date(2027, 7, 12)
    advice = [
        ("EDUCATIONAL", "Educational advice (reg 6(1)(b))", "Riverside Primary"),
        ("HEALTH", "Medical advice (reg 6(1)(c))", "Northshire Community Health"),
        ("PSYCHOLOGICAL", "Psychological advice (reg 6(1)(d))", "Northshire EP Service"),
        ("SOCIAL_CARE", "Social care advice (reg 6(1)(e))", "Northshire Children's Services"),
        ("OTHER", "Other advice (reg 6(1)(f)-(h))", "Sensory Support Service"),
    ]
    sections = {
        "A": {
            "views": f"{first} loves music, drawing and animals. {first} wants to have friends at school "
            "and to read by themselves. The family want support in class and help with friendships.\n"
            * 3
        }
    }
    needs = [f"B{i}" for i in range(1, 9)]
    sections["B"] = [
        {
            "key": f"need-{i}",
            "ref": f"B{i}",
            "text": f"{first} has difficulty with area {i} of learning: "
            "working memory, processing speed and sustained attention affect reading and written work.",
            "need_code": "SLCN",
            "need_label": "Speech, language and communication needs",
            "advice": ["K1", "K3"],
        }
        for i in range(1, 9)
    ]
    sections["C"] = [
        {
            "key": "need-c1",
            "ref": "C1",
            "text": "Hypermobility affects handwriting and stamina.",
            "need_code": "",
            "need_label": "",
            "advice": ["K2"],
        }
    ]
    sections["D"] = [
        {
            "key": "need-d1",
            "ref": "D1",
            "text": "Needs short breaks to support family life.",
            "need_code": "",
            "need_label": "",
            "advice": ["K4"],
        }
    ]
    sections["E"] = [
        {
            "key": f"outcome-{i}",
            "ref": f"E{i}",
            "text": f"By the end of Key Stage 2, {first} will read age-appropriate "
            f"texts with understanding and write a paragraph independently (outcome {i}).",
            "by_when": "By the end of Year 6",
            "needs": [needs[(i - 1) % 8]],
            "advice": ["K1"],
        }
        for i in range(1, 9)
    ]
    counters = {"F": 0, "G": 0, "H1": 0, "H2": 0}
    rows = {"F": [], "G": [], "H1": [], "H2": []}
    for n in range(provisions):
        section = "F" if n % 4 else ("G", "H1", "H2")[(n // 4) % 3]
        counters[section] += 1
        ref = (
            f"{section}.{counters[section]}"
            if section.startswith("H")
            else f"{section}{counters[section]}"
        )
        rows[section].append(
            {
                "key": f"provision-{n}",
                "ref": ref,
                "what": f"Small-group speech and language programme (provision {n + 1}), planned by the speech and "
                "language therapist and delivered in class with visual supports and pre-teaching of vocabulary.",
                "who": "Teaching assistant trained by the speech and language therapist",
                "frequency_count": 3,
                "frequency_period": "WEEK",
                "frequency": "3 times a week",
                "session_minutes": 30,
                "starts_on": plan_date.isoformat(),
                "ends_on": (plan_date + timedelta(days=364)).isoformat(),
                "needs": [needs[n % 8]],
                "outcomes": [f"E{n % 8 + 1}"],
                "advice": ["K1", "K3"],
                "health_agreement": {
                    "on": "2027-07-01",
                    "by": "Dr A Adviser",
                    "source": "HEALTH_BODY",
                    "source_label": "Agreed in this service by the health body",
                    "note": "",
                }
                if section == "G"
                else None,
            }
        )
    sections.update(rows)
    sections["I"] = {"type": "Mainstream primary school", "name": "Riverside Primary"}
    sections["J"] = {
        "text": "A direct payment of £1,200 a year for a music therapy group (section F, provision F3)."
    }
    sections["K"] = [
        {
            "key": f"advice-{i}",
            "ref": f"K{i}",
            "kind": kind,
            "title": title,
            "agency": agency,
            "requested_on": "2027-03-25",
            "received_on": "2027-04-24",
            "summary": (
                "Observed in class over two sessions. Strengths in visual reasoning; difficulties with "
                "working memory and language processing. Recommend a structured language programme "
                "3 times a week for 30 minutes, delivered by a trained teaching assistant.\n"
            )
            * 6,
        }
        for i, (kind, title, agency) in enumerate(advice, 1)
    ]
    return {
        "schema": 1,
        "stage": stage,
        "case": {"reference": "EHC000042", "public_id": "00000000-0000-0000-0000-000000000042"},
        "child": {"name": name, "first_name": first, "date_of_birth": "2018-05-14"},
        "plan_date": plan_date.isoformat(),
        "sections": sections,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--provisions", type=int, default=40)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--draft", action="store_true", help="render the draft (DRAFT on every page)"
    )
    parser.add_argument("--out", help="also write the last PDF here")
    args = parser.parse_args()

    import django

    django.setup()
    from ehcp.plans import documents

    kind = "DRAFT_PLAN" if args.draft else "FINAL_PLAN"
    content = full_plan_content(args.provisions, stage=kind)
    documents.render_document(kind, content, version=1)  # warm up: fonts, templates
    times, cpu, pdf = [], [], b""
    for run in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = documents.render_document(kind, content, version=1)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        print(f"run {run + 1}: {times[-1]:.3f} s ({cpu[-1]:.3f} s of CPU)")
    try:
        import io

        import pikepdf

        pages = len(pikepdf.open(io.BytesIO(pdf)).pages)
    except ImportError:  # pikepdf is a test dependency
        pages = "?"
    print(
        f"{kind} with {args.provisions} provisions: median {statistics.median(times):.3f} s over {args.runs} runs "
        f"({statistics.median(cpu):.3f} s of CPU; wall time grows when the machine is busy), "
        f"{len(pdf) / 1024:.0f} KiB, {pages} pages"
    )
    if args.out:
        Path(args.out).write_bytes(pdf)
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
