"""`attend early_warning train|predict|info`: the persistent-absence early-warning model (issue 5)."""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from attend.alerts.early_warning import db, store
from attend.core import clock
from attend.schools.models import LocalAuthority, School

CSV_COLUMNS = [
    "upn",
    "school_urn",
    "probability",
    "rate_to_date",
    "possible_sessions",
    "checkpoint_weeks",
    "reasons",
]


class Command(BaseCommand):
    help = "Train, inspect or run the early-warning model of end-of-year persistent absence."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Train on one synthetic cohort, evaluate on another, save")
        train.add_argument("--seed", type=int, default=store.DEFAULT_TRAIN["seed"])
        train.add_argument("--pupils", type=int, default=store.DEFAULT_TRAIN["pupils"])
        train.add_argument("--schools", type=int, default=store.DEFAULT_TRAIN["schools"])
        train.add_argument("--eval-seed", type=int, default=store.DEFAULT_EVALUATE["seed"])
        train.add_argument("--eval-pupils", type=int, default=store.DEFAULT_EVALUATE["pupils"])
        train.add_argument(
            "--from-history",
            type=int,
            metavar="YEAR",
            help="Train on this completed academic year in the database instead (e.g. 2024 for 2024/25), "
            "evaluating on 30%% of its pupils held back",
        )
        train.add_argument("--la", help="With --from-history: only this local authority's schools")
        train.add_argument("--school", type=int, help="With --from-history: only this school (URN)")
        predict = sub.add_parser(
            "predict", help="Predict for every enrolment on roll; CSV to standard output"
        )
        predict.add_argument("--as-of", help="DATE (default: today)")
        predict.add_argument("--school", type=int, help="Only this school (URN)")
        predict.add_argument("--la", help="Only this local authority's schools (3-digit LA code)")
        predict.add_argument("--top", type=int, help="Only the N highest probabilities")
        sub.add_parser("info", help="Show the saved model's metadata (trained when, on what, evaluation)")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _train(self, options):
        if options.get("from_history"):
            schools, description = _schools(options)
            try:
                model = store.train_history(options["from_history"], schools, description)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            path = store.save(model)
            self.stdout.write(_table(model.metadata["evaluation"]))
            self.stderr.write(f"Saved {path}")
            return
        model = store.train_synthetic(
            train={"seed": options["seed"], "pupils": options["pupils"], "schools": options["schools"]},
            evaluate={
                "seed": options["eval_seed"],
                "pupils": options["eval_pupils"],
                "schools": options["schools"],
            },
        )
        path = store.save(model)
        self.stdout.write(_table(model.metadata["evaluation"]))
        self.stderr.write(f"Saved {path}")

    def _info(self, options):
        path = store.latest_path()
        if path is None:
            raise CommandError("No early-warning model saved yet: run `attend early_warning train`.")
        self.stdout.write(path.with_suffix(".json").read_text())

    def _predict(self, options):
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options.get("as_of") else clock.today()
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date like 2025-11-14, not {options['as_of']!r}") from exc
        schools, _ = _schools(options)
        model = store.load_or_train(stdout=self.stderr)
        rows = []
        for school in schools:
            frame = db.predict_school(school, as_of, model)
            rows.extend(frame.to_dict(orient="records"))
        rows.sort(key=lambda r: -(r["probability"] if r["probability"] == r["probability"] else -1))
        if options.get("top"):
            rows = rows[: options["top"]]
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            known = r["probability"] == r["probability"]  # NaN: no possible session yet
            writer.writerow(
                [
                    r["upn"],
                    r["school_urn"],
                    f"{r['probability']:.3f}" if known else "",
                    f"{r['rate_to_date']:.3f}" if known else "",
                    int(r["possible_sessions"]) if known else 0,
                    int(r["checkpoint_weeks"]) if known else "",
                    "; ".join(reason["text"] for reason in r["reasons"]),
                ]
            )
        self.stderr.write(
            f"Early warning as of {as_of}: {len(rows)} enrolments; model {model.metadata.get('version', '?')} "
            f"trained on {json.dumps(model.metadata.get('trained_on', {}).get('source', 'unknown'))} data"
        )


def _schools(options) -> tuple:
    """The schools chosen by --school / --la (all by default), and a description of the choice."""
    schools = School.objects.all()
    description = "all schools"
    if options.get("school") is not None:
        schools = schools.filter(urn=options["school"])
        if not schools.exists():
            raise CommandError(f"No school with URN {options['school']}")
        description = f"school {options['school']}"
    if options.get("la"):
        if not LocalAuthority.objects.filter(code=options["la"]).exists():
            raise CommandError(f"No local authority with code {options['la']}")
        schools = schools.filter(local_authority__code=options["la"])
        description = f"local authority {options['la']}"
    return schools.order_by("urn"), description


def _table(records: list[dict]) -> str:
    head = ["weeks", "ranking", "pupils", "pa_share", "roc_auc", "precision_top_5pct", "brier", "ece"]
    widths = [max(len(h), *(len(str(r[h])) for r in records)) for h in head]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(str(r[h]).ljust(w) for h, w in zip(head, widths, strict=True)) for r in records]
    return "\n".join(lines) + "\n"
