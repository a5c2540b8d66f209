"""Early-warning model against the 'rate to date' ranking on a held-out synthetic cohort (issue 5).

    uv run python bench/early_warning.py [--pupils 20000] [--schools 40] [--train-seed 101] [--eval-seed 202] [--trees]

Trains the model on one synthetic LA and evaluates it on another (a different generator seed: no pupil is in
both), after 4, 8 and 12 school weeks. For each: ROC AUC, precision among the top 5% ranked, and calibration
(Brier score, expected calibration error over 10 equal-size bins, mean predicted against the observed share).
The baseline ranks pupils by absence rate to date; its probabilities, for the calibration columns, come from a
logistic fit of the rate alone on the training cohort.

Also printed: the model without last year's rate (used for schools with no history in Attend; and that link
between years is an assumption of the synthetic data, see attend/alerts/early_warning/synthetic.py), and with --trees a gradient-boosted model on the
same features, to show how much a linear model leaves on the table. Exit status 1 if the model does not beat the
baseline's ROC AUC at every point.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=20000)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--train-seed", type=int, default=101)
    parser.add_argument("--eval-seed", type=int, default=202)
    parser.add_argument(
        "--trees", action="store_true", help="also fit HistGradientBoosting on the same features"
    )
    args = parser.parse_args()
    if args.train_seed == args.eval_seed:
        parser.error("the evaluation seed must differ from the training seed")

    import django

    django.setup()
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score

    from attend.alerts.early_warning import model as m
    from attend.alerts.early_warning import synthetic
    from attend.alerts.early_warning.features import (
        MODEL_FEATURES,
        build_features,
        end_of_year_pa,
        session_flags,
    )

    t0 = time.perf_counter()
    train = synthetic.cohort(args.train_seed, pupils=args.pupils, schools=args.schools)
    held_out = synthetic.cohort(args.eval_seed, pupils=args.pupils, schools=args.schools)
    t1 = time.perf_counter()
    model = m.train(train, weeks=m.EVALUATION_WEEKS)
    t2 = time.perf_counter()
    table = m.evaluate(model, held_out)
    t3 = time.perf_counter()

    flags = session_flags(held_out.marks)
    pa = end_of_year_pa(flags)
    prior = held_out.pupils.set_index("enrolment")["prior_rate"].reindex(pa.index)
    print(f"Training cohort: seed {args.train_seed}, {len(train.pupils)} enrolments.")
    print(
        f"Held-out cohort: seed {args.eval_seed}, {len(held_out.pupils)} enrolments, {pa.mean():.1%} end-of-year PA."
    )
    print(
        f"Held-out, last year to this: {pa[prior >= 0.1].mean():.1%} of last year's persistent absentees are "
        f"persistently absent again ({pa[prior < 0.1].mean():.1%} of the others); "
        f"{prior.isna().mean():.1%} have no record last year."
    )
    print(f"Generate {t1 - t0:.1f} s, train {t2 - t1:.1f} s, evaluate {t3 - t2:.1f} s.\n")

    columns = ["weeks", "ranking", "pupils", "pa_share", "roc_auc", "precision_top_5pct", "brier", "ece"]
    columns.append("mean_predicted")
    print(table[columns].to_string(index=False))

    if args.trees:
        print("\nSame features, HistGradientBoosting (ROC AUC on the held-out cohort):")
        target = end_of_year_pa(session_flags(train.marks))
        for w in m.EVALUATION_WEEKS:
            fit = m.checkpoint_frame(session_flags(train.marks), train.pupils, train.checkpoint(w), target)
            test = m.checkpoint_frame(flags, held_out.pupils, held_out.checkpoint(w), pa)
            hgb = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, random_state=0)
            hgb.fit(fit[MODEL_FEATURES].to_numpy(float), fit["pa"].to_numpy())
            score = hgb.predict_proba(test[MODEL_FEATURES].to_numpy(float))[:, 1]
            print(f"  {w:>2} weeks: {roc_auc_score(test['pa'].to_numpy(), score):.4f}")

    print("\nExamples after 8 weeks (the three highest probabilities in the held-out cohort):")
    x = build_features(flags, held_out.pupils, held_out.checkpoint(8))
    x = x.loc[x.index.intersection(m.on_roll_at(flags, held_out.checkpoint(8)))]
    predicted = model.predict(x, weeks=8).sort_values("probability", ascending=False)
    for enrolment, row in predicted.head(3).iterrows():
        print(
            f"  enrolment {enrolment}: {row['probability']:.0%} (PA at year end: {'yes' if pa[enrolment] else 'no'})"
        )
        for reason in row["reasons"]:
            print(f"    - {reason['text']}")
    middle = predicted.iloc[[len(predicted) // 10]]
    for enrolment, row in middle.iterrows():
        print(f"  enrolment {enrolment} (90th percentile): {row['probability']:.0%}")
        for reason in row["reasons"]:
            print(f"    - {reason['text']}")

    by_week = table.pivot(index="weeks", columns="ranking", values="roc_auc")
    beaten = bool(np.all(by_week["model"] > by_week["baseline: rate to date"]))
    print(f"\nModel beats the rate-to-date ranking on ROC AUC at every point: {'yes' if beaten else 'NO'}")
    return 0 if beaten else 1


if __name__ == "__main__":
    sys.exit(main())
