"""Results as JSON, a Markdown table and a chart of summary latency against scale.

``results.json`` accumulates runs: a new run replaces an earlier one of the same database and
scale and keeps the others (``--fresh`` forgets them), so a 100,000-report run made once
stays on the growth chart beside the 10,000-report run ``make bench`` repeats.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

PROFILE_LABELS = {
    "w1": "W1 (PUT)",
    "r1": "R1 (GET section, many reports)",
    "r2_cold": "R2 cold (GET summary after a PUT; summary route only)",
}
# Issue 19's targets: ratios are measured in one run, latencies one request at a time.
TARGETS = {
    "w1_ratio": 0.1,
    "r1_ratio": 0.5,
    "r2_cold_p50_ms": 20.0,  # at R2_SCALE reports, PostgreSQL
    "r2_flat_factor": 1.5,  # p50 at any larger scale ≤ this × p50 at R2_FLAT_FROM
    "r2_warm_ratio": 0.5,
    "l1_reports_per_s": 1000.0,
    "rss_mb": 250.0,
}
R2_SCALE = 200_000
R2_FLAT_FROM = 10_000


def write(
    directory: Path,
    runs: list[dict[str, Any]],
    profiles: list[dict[str, Any]],
    *,
    fresh: bool,
    machine: dict[str, Any],
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "results.json"
    kept: list[dict[str, Any]] = []
    kept_profiles: list[dict[str, Any]] = []
    if path.exists() and not fresh:
        earlier = json.loads(path.read_text())
        fresh_keys = {(run["database"], run["scale"]) for run in runs}
        kept = [
            run
            for run in earlier.get("runs", [])
            if (run["database"], run["scale"]) not in fresh_keys
        ]
        profiled = {(p["database"], p["scale"]) for p in profiles}
        kept_profiles = [
            p for p in earlier.get("profiles", []) if (p["database"], p["scale"]) not in profiled
        ]
    all_runs = sorted(kept + runs, key=lambda run: (run["database"] != "sqlite", run["scale"]))
    all_profiles = kept_profiles + profiles
    document = {
        "machine": machine,
        "targets": TARGETS,
        "runs": all_runs,
        "verdicts": verdicts(all_runs),
        "profiles": all_profiles,
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    (directory / "results.md").write_text(markdown(document))
    chart(all_runs, directory / "r2_latency.png")
    prune_profiles(directory, all_profiles)


def prune_profiles(directory: Path, profiles: list[dict[str, Any]]) -> None:
    """Delete the stacks of profiles results.json no longer lists (replaced by newer ones)."""
    root = directory.parent.parent
    kept = {
        (root / figure["file"]).resolve()
        for profile in profiles
        for figure in profile.values()
        if isinstance(figure, dict) and "file" in figure
    }
    for path in (directory / "profiles").glob("*.collapsed.txt"):
        if path.resolve() not in kept:
            path.unlink()


def rerender(directory: Path) -> None:
    """Rewrite results.md and the chart from results.json (after a change to this module)."""
    document = json.loads((directory / "results.json").read_text())
    document["verdicts"] = verdicts(document["runs"])
    (directory / "results.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    )
    (directory / "results.md").write_text(markdown(document))
    chart(document["runs"], directory / "r2_latency.png")
    prune_profiles(directory, document.get("profiles", []))


# ---------------------------------------------------------------------------------------------
# Targets


def verdicts(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(target: str, run: dict[str, Any], measured: str, met: bool | None) -> None:
        out.append(
            {
                "target": target,
                "database": run["database"],
                "reports": run["scale"],
                "measured": measured,
                "met": met,
            }
        )

    for run in runs:
        db = run["database"]
        ratio = run["w1"]["ratio"]
        add(
            f"W1 ≥ {TARGETS['w1_ratio']} of the write ceiling",
            run,
            f"{ratio:.2f}",
            ratio >= TARGETS["w1_ratio"],
        )
        ratio = run["r1"]["ratio"]
        add(
            f"R1 ≥ {TARGETS['r1_ratio']} of the read ceiling (many distinct reports)",
            run,
            f"{ratio:.2f}",
            ratio >= TARGETS["r1_ratio"],
        )
        if "r1_hot" in run:
            ratio = run["r1_hot"]["ratio"]
            add(
                f"R1 ≥ {TARGETS['r1_ratio']} of the read ceiling (50 popular reports, hot)",
                run,
                f"{ratio:.2f}",
                ratio >= TARGETS["r1_ratio"],
            )
        p50 = run["r2"]["cold"]["p50_ms"]
        add(
            f"R2 right after a write ≤ {TARGETS['r2_cold_p50_ms']:.0f} ms p50 at "
            f"{R2_SCALE:,} reports (PostgreSQL)",
            run,
            f"{p50:.1f} ms",
            p50 <= TARGETS["r2_cold_p50_ms"]
            if db == "postgresql" and run["scale"] == R2_SCALE
            else None,
        )
        ratio = run["r2"]["warm_inm"]["ratio"]
        add(
            f"304 (If-None-Match) ≥ {TARGETS['r2_warm_ratio']} of the read ceiling",
            run,
            f"{ratio:.2f}",
            ratio >= TARGETS["r2_warm_ratio"],
        )
        rate = run["load"]["reports_per_s"]
        add(
            f"bulk ≥ {TARGETS['l1_reports_per_s']:,.0f} reports/s through the batch endpoint "
            "(SQLite)",
            run,
            f"{rate:.0f}/s",
            rate >= TARGETS["l1_reports_per_s"] if db == "sqlite" else None,
        )
        rss = run["peak_rss_mb"]
        add(
            f"peak RSS ≤ {TARGETS['rss_mb']:.0f} MB", run, f"{rss:.0f} MB", rss <= TARGETS["rss_mb"]
        )
    out += flatness(runs)
    return out


def flatness(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """R2 right after a write, flat from R2_FLAT_FROM reports: every larger scale's p50 within
    ``r2_flat_factor`` × that scale's (runs of other code are not compared)."""
    out: list[dict[str, Any]] = []
    factor = TARGETS["r2_flat_factor"]
    for db in ("sqlite", "postgresql"):
        base = next((r for r in runs if r["database"] == db and r["scale"] == R2_FLAT_FROM), None)
        if base is None:
            continue
        larger = sorted(
            (r for r in runs if r["database"] == db and r["scale"] > R2_FLAT_FROM),
            key=lambda r: r["scale"],
        )
        for run in larger:
            slower = run["r2"]["cold"]["p50_ms"] / base["r2"]["cold"]["p50_ms"]
            same_code = same_app(base, run)
            out.append(
                {
                    "target": f"R2 right after a write flat from {R2_FLAT_FROM:,} "
                    f"(p50 ≤ ×{factor})",
                    "database": db,
                    "reports": f"{R2_FLAT_FROM}→{run['scale']}",
                    "measured": f"×{slower:.2f} for ×{run['scale'] / R2_FLAT_FROM:.3g} reports "
                    f"(exponent {growth_exponent(base, run):.2f})"
                    + ("" if same_code else "; runs of different code, not compared"),
                    "met": slower <= factor if same_code else None,
                }
            )
    return out


def same_app(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether two runs measured the same app/ and migrations/ (older runs: assume so)."""
    first, second = one.get("app_version"), other.get("app_version")
    return not first or not second or first["tree_sha256"] == second["tree_sha256"]


def growth_exponent(small: dict[str, Any], large: dict[str, Any]) -> float:
    """k in latency ∝ reports^k between two scales: 1 is linear."""
    ratio = large["r2"]["cold"]["p50_ms"] / small["r2"]["cold"]["p50_ms"]
    return math.log(ratio) / math.log(large["scale"] / small["scale"])


# ---------------------------------------------------------------------------------------------
# Markdown


def code_of(run: dict[str, Any]) -> str:
    """The commit measured, with ``+<hash of app/ and migrations/>`` when they had changes."""
    version = run.get("app_version") or {}
    commit = version.get("commit") or "?"
    return f"{commit}+{version['tree_sha256']}" if version.get("uncommitted_changes") else commit


def _load_kind(load: dict[str, Any]) -> str:
    """How L1 stored the reports: the batch endpoint, or (older runs) one PUT each."""
    return "batch" if "batch" in load.get("via", "") else "bulk PUT"


def markdown(document: dict[str, Any]) -> str:
    m = document["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['memory_gb']} GB; Python "
        f"{m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}, {m['wrk']}. "
        f"Pinning: {m['pinning']}. One uvicorn process (one worker), as in production.",
        "",
        "Throughput figures: wrk, 1 thread, "
        f"{document['runs'][0]['connections'] if document['runs'] else 4} connections; "
        "R2 cold: one client, sequential, each GET right after a PUT into the province; "
        "R2 warm: one connection. Ratios are the service's requests/s over the ceiling's "
        "(same requests, same uvicorn setup, no work: `bench/ceiling.py`), measured in the same "
        'run. Regenerate with `make bench ARGS="--reports 10000"`; see bench/README.md.',
        "",
        "## Summary",
        "",
        "| database | reports | W1 req/s | W1 p50 / p99 ms | W1 ratio | R1 req/s | R1 p50 / p99 ms "
        "| R1 ratio | R1 hot req/s | R1 hot ratio | R2 summed | R2 cold p50 / p99 ms "
        "| R2 warm p50 / p99 ms | R2 304 req/s | R2 304 ratio | L1 reports/s | peak RSS MB "
        "| run at (UTC) | code |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for run in document["runs"]:
        w1, r1, r2 = run["w1"], run["r1"], run["r2"]
        r1_hot = run.get("r1_hot")
        hot = f"{r1_hot['service']['rps']:.0f} | {r1_hot['ratio']:.2f}" if r1_hot else "– | –"
        lines.append(
            f"| {run['database']} | {run['scale']:,} "
            f"| {w1['service']['rps']:.0f} | {w1['service']['p50_ms']} / {w1['service']['p99_ms']} "
            f"| {w1['ratio']:.2f} "
            f"| {r1['service']['rps']:.0f} | {r1['service']['p50_ms']} / {r1['service']['p99_ms']} "
            f"| {r1['ratio']:.2f} "
            f"| {hot} "
            f"| {r2['reports_summed']:,} "
            f"| {r2['cold']['p50_ms']} / {r2['cold']['p99_ms']} "
            f"| {r2['warm']['service']['p50_ms']} / {r2['warm']['service']['p99_ms']} "
            f"| {r2['warm_inm']['service']['rps']:.0f} | {r2['warm_inm']['ratio']:.2f} "
            f"| {run['load']['reports_per_s']:.0f} | {run['peak_rss_mb']:.0f} "
            f"| {run['started_at'][:16].replace('T', ' ')} | {code_of(run)} |"
        )
    lines += [
        "",
        "## Targets",
        "",
        "| target | database | reports | measured | met |",
        "|---|---|--:|--:|---|",
    ]
    for verdict in document["verdicts"]:
        growth = "flat from" in verdict["target"]
        if verdict["met"] is None and not growth:  # another database's or scale's target
            continue
        met = {True: "yes", False: "**no**", None: "n/a"}[verdict["met"]]
        reports = verdict["reports"]
        reports = f"{reports:,}" if isinstance(reports, int) else reports
        lines.append(
            f"| {verdict['target']} | {verdict['database']} | {reports} "
            f"| {verdict['measured']} | {met} |"
        )
    lines += [
        "",
        "## Ceilings and CPU",
        "",
        "CPU columns: share of one core used during the measurement by the server "
        "process, by the PostgreSQL backends of the benchmark database, and by the load "
        "generator (wrk or the Python clients). A load generator well under 100 % is not "
        "the bottleneck.",
        "",
        "| database | reports | figure | service req/s | ceiling req/s | ratio "
        "| server CPU ms/req | server CPU % | postgres CPU % | client CPU % |",
        "|---|--:|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in document["runs"]:
        rows = [
            ("W1 PUT report", run["w1"]),
            ("R1 GET section", run["r1"]),
            *([("R1 hot (50 reports)", run["r1_hot"])] if "r1_hot" in run else []),
            ("R2 warm summary", run["r2"]["warm"]),
            ("R2 304", run["r2"]["warm_inm"]),
        ]
        for label, figure in rows:
            s, c = figure["service"], figure["ceiling"]
            lines.append(
                f"| {run['database']} | {run['scale']:,} | {label} | {s['rps']:.3g} "
                f"| {c['rps']:.0f} | {figure['ratio']:.2f} "
                f"| {s.get('server_cpu_ms_per_request', '')} | {s.get('server_cpu_pct', '')} "
                f"| {s.get('postgres_cpu_pct', '')} | {s.get('wrk_cpu_pct', '')} |"
            )
        load = run["load"]
        lines.append(
            f"| {run['database']} | {run['scale']:,} "
            f"| L1 {_load_kind(load)} ({load['clients']} clients) "
            f"| {load['reports_per_s']:.0f} | | | {load['server_cpu_ms_per_report']} "
            f"| {load['server_cpu_pct']} | {load['postgres_cpu_pct']} "
            f"| {load['client_cpu_pct']} |"
        )
    lines += [
        "",
        "## Sizes",
        "",
        "| database | reports | agencies | agencies in the province "
        "| reports summed by R2 | section bytes | summary bytes | database MB "
        "| agencies registered in s | run took s |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for run in document["runs"]:
        lines.append(
            f"| {run['database']} | {run['scale']:,} | {run['agencies']:,} "
            f"| {run['r2']['subtree_agencies']:,} | {run['r2']['reports_summed']:,} "
            f"| {run['r1']['response_bytes']:,} | {run['r2']['response_bytes']:,} "
            f"| {run['database_mb']} | {run['agency_seconds']} | {run['seconds']} |"
        )
    if document["profiles"]:
        lines += [
            "",
            "## Profiles (py-spy --gil: where the server's Python CPU goes)",
            "",
            "Recorded after the timed runs, under the same wrk load. *Layer*: the share "
            "of samples whose innermost frame is in that layer (self time). *App "
            "functions*: the share of samples with that function on the stack "
            "(inclusive time).",
            "",
        ]
        for profile in document["profiles"]:
            for figure in ("w1", "r1", "r2_cold"):
                if figure not in profile:
                    continue
                data = profile[figure]
                lines += [
                    f"### {PROFILE_LABELS[figure]}, {profile['database']}, "
                    f"{profile['scale']:,} reports ({data['samples']} samples, "
                    f"{data['rps_while_profiled']} req/s while profiled; stacks: "
                    f"`{data['file']}`)",
                    "",
                    "| layer (self) | share |",
                    "|---|--:|",
                ]
                lines += [f"| {name} | {share} % |" for share, name in data["layers"]]
                lines += ["", "| app function (inclusive) | share |", "|---|--:|"]
                lines += [f"| `{name}` | {share} % |" for share, name in data["app_functions"]]
                lines.append("")
    lines += ["", "![R2 latency against the number of reports](r2_latency.png)", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Chart


def chart(runs: list[dict[str, Any]], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the bench group is not installed: keep the JSON and Markdown
        return
    figure, axis = plt.subplots(figsize=(9, 6.5), dpi=110)
    colours = {"sqlite": "#1f77b4", "postgresql": "#d62728"}
    for db in ("sqlite", "postgresql"):
        mine = sorted((run for run in runs if run["database"] == db), key=lambda r: r["scale"])
        if not mine:
            continue
        xs = [run["scale"] for run in mine]
        series = [
            ("after a write p50", [run["r2"]["cold"]["p50_ms"] for run in mine], "-", "o"),
            ("after a write p99", [run["r2"]["cold"]["p99_ms"] for run in mine], "--", "v"),
            ("warm p50", [run["r2"]["warm"]["service"]["p50_ms"] for run in mine], ":", "s"),
            ("304 p50", [run["r2"]["warm_inm"]["service"]["p50_ms"] for run in mine], "-.", "^"),
        ]
        for label, ys, style, marker in series:
            axis.plot(xs, ys, style, marker=marker, color=colours[db], label=f"{db} {label}")
        flat_from = next((run for run in mine if run["scale"] == R2_FLAT_FROM), None)
        if flat_from is not None and xs[-1] > R2_FLAT_FROM:
            limit = TARGETS["r2_flat_factor"] * flat_from["r2"]["cold"]["p50_ms"]
            flat_xs = [x for x in xs if x >= R2_FLAT_FROM]
            axis.plot(
                flat_xs,
                [limit] * len(flat_xs),
                color=colours[db],
                alpha=0.25,
                linewidth=4,
                label=f"{db}: ×{TARGETS['r2_flat_factor']} the cold p50 at {R2_FLAT_FROM:,}",
            )
        for run in mine:
            axis.annotate(
                f"{run['r2']['reports_summed']:,} summed",
                (run["scale"], run["r2"]["cold"]["p50_ms"]),
                textcoords="offset points",
                xytext=(4, -12) if db == "sqlite" else (-70, 6),
                fontsize=7,
                color=colours[db],
            )
    target = TARGETS["r2_cold_p50_ms"]
    axis.axhline(target, color="grey", linewidth=0.8, linestyle="--")
    axis.text(
        0.01,
        target,
        f" {target:.0f} ms target (p50 right after a write, {R2_SCALE:,} reports, PostgreSQL)",
        transform=axis.get_yaxis_transform(),
        va="bottom",
        fontsize=7,
        color="grey",
    )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("reports loaded (the province's summary sums 48 % of them)")
    axis.set_ylabel("GET /api/v1/summary latency, ms")
    axis.set_title("R2: summary of the largest province, year 2021")
    scales = sorted({run["scale"] for run in runs})
    axis.set_xticks(scales, [f"{scale:,}" for scale in scales])
    axis.minorticks_off()
    axis.grid(True, which="major", alpha=0.3)
    axis.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
