"""Re-fit the demo generator's phase parameters to the published figures (prints new PHASE_MODELS).

    uv run python bench/tune_demo.py [--pupils 150000] [--seed 3] [--rounds 4]

Each round generates a full year three times (as is, with a larger mean propensity, with a larger gamma shape),
estimates how overall absence and PA respond to those two parameters in each phase, and takes a damped Newton step
towards the published 2024/25 figures. The severe share is scaled towards the SA rate, and the reason weights and
event rates towards the reason mix. Paste the printed PHASE_MODELS into attend/demo/generator.py, then check with
bench/calibration.py (which uses a different seed).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=150_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument(
        "--write", action="store_true", help="rewrite PHASE_MODELS in attend/demo/generator.py"
    )
    args = parser.parse_args()

    from attend.demo import generator as g
    from attend.demo.checks import PUBLISHED, compute, phase_rates, reason_rates

    index = {"primary": g.PRIMARY, "secondary": g.SECONDARY, "special": g.SPECIAL}

    def run(models):
        saved = dict(g.PHASE_MODELS)
        g.PHASE_MODELS.update(models)
        try:
            la = g.generate(g.DemoConfig(pupils=args.pupils, seed=args.seed, start=dt.date(2025, 9, 1),
                                         end=dt.date(2026, 7, 31)))  # fmt: skip
            stats = compute(la)
            return phase_rates(stats), reason_rates(stats)
        finally:
            g.PHASE_MODELS.update(saved)

    def ratio(a: float, b: float) -> float:
        return max(0.5, min(2.0, a / b)) if b > 0 else 1.0

    def logit(x: float) -> float:
        return math.log(x / (1 - x))

    def expit(x: float) -> float:
        return 1 / (1 + math.exp(-x))

    d_mu, d_shape = 0.1, 0.2
    for round_ in range(args.rounds):
        base = dict(g.PHASE_MODELS)
        phases, reasons = run({})
        up_mu, _ = run({p: dataclasses.replace(m, mu=m.mu + d_mu) for p, m in base.items()})
        up_k, _ = run({p: dataclasses.replace(m, shape=m.shape * math.exp(d_shape)) for p, m in base.items()})
        for phase, p in index.items():
            m, r, gen = base[p], reasons[phase], phases[phase]
            t = PUBLISHED["reason_rate"][phase]
            print(f"round {round_} {phase:<9} overall {gen['overall']:.2f}/{PUBLISHED['overall'][phase]} "
                  f"PA {gen['pa']:.1f}/{PUBLISHED['pa'][phase]} SA {gen['sa']:.2f}/{PUBLISHED['sa'][phase]} "
                  + f"mu {m.mu:.3f} shape {m.shape:.3f} " + " ".join(f"{k} {r[k]:.2f}/{t[k]}" for k in r), flush=True)  # fmt: skip
            jac = np.array(
                [
                    [(up_mu[phase]["overall"] - gen["overall"]) / d_mu, (up_k[phase]["overall"] - gen["overall"]) / d_shape],
                    [(up_mu[phase]["pa"] - gen["pa"]) / d_mu, (up_k[phase]["pa"] - gen["pa"]) / d_shape],
                ]
            )  # fmt: skip
            miss = np.array(
                [PUBLISHED["overall"][phase] - gen["overall"], PUBLISHED["pa"][phase] - gen["pa"]]
            )
            try:
                step = np.clip(0.6 * np.linalg.solve(jac, miss), -0.15, 0.15)
            except np.linalg.LinAlgError:
                step = np.zeros(2)
            gen_ill = r["I"] / (r["I"] + r["O"] + r["C"])
            tgt_ill = t["I"] / (t["I"] + t["O"] + t["C"])
            gen_c = r["C"] / (r["C"] + r["O"])
            tgt_c = t["C"] / (t["C"] + t["O"])
            g.PHASE_MODELS[p] = dataclasses.replace(
                m,
                mu=m.mu + step[0],
                shape=min(20.0, max(0.2, m.shape * math.exp(step[1]))),
                severe=m.severe * ratio(PUBLISHED["sa"][phase], gen["sa"]) ** 0.7,
                illness=expit(logit(m.illness) + 0.8 * (logit(tgt_ill) - logit(gen_ill))),
                authorised_other=expit(logit(m.authorised_other) + 0.8 * (logit(tgt_c) - logit(gen_c))),
                appointments=m.appointments * ratio(t["M"], r["M"]),
                late_after_close=m.late_after_close * ratio(t["U"], r["U"]),
                suspensions=m.suspensions * ratio(t["E"], r["E"]),
                part_time=m.part_time * ratio(t["C2"], r["C2"]),
            )
    lines = ["PHASE_MODELS = {"]
    for p, name in (
        (g.PRIMARY, "PRIMARY"),
        (g.SECONDARY, "SECONDARY"),
        (g.SPECIAL, "SPECIAL"),
        (g.PRU, "PRU"),
    ):
        m = g.PHASE_MODELS[p]
        values = ", ".join(f"{getattr(m, f.name):.4g}" for f in dataclasses.fields(m))
        lines.append(f"    {name}: PhaseModel({values}),")
    block = "\n".join(lines) + "\n}\n"
    print(block)
    if args.write:
        path = Path(g.__file__)
        source = path.read_text()
        start = source.index("PHASE_MODELS = {")
        end = source.index("}\n", start) + 2
        path.write_text(source[:start] + block + source[end:])
        print(f"written to {path}")


if __name__ == "__main__":
    main()
