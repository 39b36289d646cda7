#!/usr/bin/env python3
"""The step model's error against measured whole steps (bench/llm_step.py's JSON): every point predicted with
`roofline model --json` at the same model, phase, batch, prompt and context, then the median and mean |error| per
phase, per phase and model, and per phase, model and batch. Targets (issue 15): median |error| <= 10 % for decode,
<= 15 % for prefill (goal 5 %).

    python3 bench/step_error.py resources/measurements/h200_llm_steps.json [--roofline build/bin/roofline]
        [--hardware h200] [--mode realistic] [--fusion none] [--launch graph] [--markdown OUT.md] [--json OUT.json]

error = (predicted − measured) / measured. Exit 2 on bad input; with --check-targets, 1 when a target is not met.
The MoE points carry the fixed routing the bench ran (moe_routing.expert_groups); a prediction whose expert groups
differ is reported, since then the two did not run the same work.
"""
import argparse
import json
import pathlib
import shutil
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET_MEDIAN_PCT = {"decode": 10.0, "prefill": 15.0}
GPU_PRESETS = [("H200", "h200"), ("H100 PCIe", "h100_pcie"), ("H100", "h100_sxm"), ("B200", "b200"), ("GB10", "gb10")]


class InputProblem(Exception):
    pass


def load_points(path):
    try:
        data = json.loads(pathlib.Path(path).read_text())
    except OSError as e:
        raise InputProblem(f"{path}: cannot read: {e.strerror}")
    except json.JSONDecodeError as e:
        raise InputProblem(f"{path}: not JSON: {e}")
    if not isinstance(data, dict) or not isinstance(data.get("points"), list):
        raise InputProblem(f"{path}: field points: expected a list of measured steps")
    points = []
    for i, p in enumerate(data["points"]):
        where = f"{path}: points[{i}]"
        if not isinstance(p, dict):
            raise InputProblem(f"{where}: expected an object")
        for key in ("model", "phase", "batch", "context", "step_time_us"):
            if key not in p or p[key] is None:
                raise InputProblem(f"{where}: field {key} is missing")
        if p["phase"] not in TARGET_MEDIAN_PCT:
            raise InputProblem(f"{where}: field phase: expected decode or prefill, got {p['phase']!r}")
        if p["phase"] == "prefill" and not p.get("prompt"):
            raise InputProblem(f"{where}: field prompt: a prefill needs its prompt length")
        for key in ("batch", "context") + (("prompt",) if p["phase"] == "prefill" else ()):
            if not isinstance(p[key], int) or p[key] < (0 if key == "context" else 1):
                raise InputProblem(f"{where}: field {key}: expected a non-negative integer, got {p[key]!r}")
        if not isinstance(p["step_time_us"], (int, float)) or p["step_time_us"] <= 0:
            raise InputProblem(f"{where}: field step_time_us: expected a positive number, got {p['step_time_us']!r}")
        points.append(p)
    if not points:
        raise InputProblem(f"{path}: field points: no measured steps")
    return data, points


def hardware_for(data, given):
    if given:
        return given
    gpu = str(data.get("environment", {}).get("gpu", ""))
    for needle, key in GPU_PRESETS:
        if needle.lower() in gpu.lower():
            return key
    raise InputProblem(f"field environment.gpu: no preset known for {gpu!r}; name one with --hardware")


def predict(args, hardware, p):
    cmd = [args.roofline, "model", "--model", p["model"], "--hardware", hardware, "--phase", p["phase"],
           "--batch", str(p["batch"]), "--context", str(p["context"]), "--mode", args.mode, "--fusion", args.fusion,
           "--json"]
    if args.launch:
        cmd += ["--launch", args.launch]
    if args.launch_gap_us is not None:
        cmd += ["--launch-gap-us", str(args.launch_gap_us)]
    if p["phase"] == "prefill":
        cmd += ["--prompt", str(p["prompt"])]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        raise InputProblem(f"{' '.join(cmd)}: exit {run.returncode}: {run.stderr.strip()}")
    out = json.loads(run.stdout)
    return out[p["phase"]], cmd


def pct(values):
    return {"n": len(values), "median_abs_pct": statistics.median(abs(v) for v in values),
            "mean_abs_pct": statistics.fmean(abs(v) for v in values), "mean_signed_pct": statistics.fmean(values)}


def grouped(rows, keys):
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[k] for k in keys), []).append(r["error_pct"])
    return [(k, pct(v)) for k, v in sorted(groups.items(), key=lambda kv: tuple(str(x).zfill(8) for x in kv[0]))]


def table(title, keys, groups):
    lines = [f"### {title}", "", "| " + " | ".join(keys + ["points", "median \\|err\\|", "mean \\|err\\|", "mean signed"]) + " |",
             "|" + "---|" * (len(keys) + 4)]
    for key, s in groups:
        lines.append("| " + " | ".join(str(k) for k in key) + f" | {s['n']} | {s['median_abs_pct']:.1f} % | "
                     f"{s['mean_abs_pct']:.1f} % | {s['mean_signed_pct']:+.1f} % |")
    return "\n".join(lines) + "\n"


def point_key(p):
    return (p["model"], p["phase"], p["batch"], p.get("prompt"), p["context"])


def faster_of(points, others):
    """Each point at the faster of its two measurements; points the other run lacks stay as they are."""
    other = {point_key(p): p for p in others}
    return [min(p, other.get(point_key(p), p), key=lambda q: q["step_time_us"]) for p in points]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("measurements")
    ap.add_argument("--roofline", default=None, help="the roofline CLI (default: $PATH, then build/bin/roofline)")
    ap.add_argument("--hardware", default=None, help="preset key (default: from the file's GPU name)")
    ap.add_argument("--mode", default="realistic")
    ap.add_argument("--fusion", default="none", help="bench/llm_step.py runs every kernel apart: none")
    ap.add_argument("--launch", default="graph", help="eager or graph (the bench replays CUDA graphs); '' omits it")
    ap.add_argument("--launch-gap-us", default=None,
                    help="the gap each kernel adds [µs], in place of the profile's; 'measured' takes the file's "
                         "launch_gaps.launch_gap_graph_us (bench/llm_step.py measures it in the same run)")
    ap.add_argument("--check-targets", action="store_true", help="exit 1 when a target is not met")
    ap.add_argument("--markdown", default=None)
    ap.add_argument("--json", dest="json_out", default=None)
    ap.add_argument("--points", action="store_true", help="print every point, not only the summaries")
    ap.add_argument("--faster-of", default=None, metavar="FILE",
                    help="a second run of the same points (e.g. --decode-attention flash): each point is judged "
                         "against the faster of the two, as an engine picks its attention kernel per shape")
    args = ap.parse_args(argv)
    if args.roofline is None:
        args.roofline = shutil.which("roofline") or str(ROOT / "build" / "bin" / "roofline")
    try:
        data, points = load_points(args.measurements)
        if args.faster_of:
            points = faster_of(points, load_points(args.faster_of)[1])
        hardware = hardware_for(data, args.hardware)
        if args.launch_gap_us == "measured":
            gap = data.get("launch_gaps", {}).get("launch_gap_graph_us")
            if not isinstance(gap, (int, float)) or gap < 0:
                raise InputProblem(f"{args.measurements}: field launch_gaps.launch_gap_graph_us: missing, so "
                                   "--launch-gap-us measured has nothing to take")
            args.launch_gap_us = gap
        rows = []
        for p in points:
            pred, cmd = predict(args, hardware, p)
            error = 100.0 * (pred["step_time_us"] - p["step_time_us"]) / p["step_time_us"]
            row = {"model": p["model"], "phase": p["phase"], "batch": p["batch"], "prompt": p.get("prompt"),
                   "context": p["context"], "measured_us": p["step_time_us"], "predicted_us": pred["step_time_us"],
                   "error_pct": error, "measured_kernels": p.get("kernels_per_step"),
                   "predicted_kernels": pred.get("kernel_launches"), "command": " ".join(cmd[1:])}
            routing = p.get("moe_routing")
            if routing and pred.get("expert_groups") != routing.get("expert_groups"):
                row["routing_mismatch"] = (f"bench ran {routing.get('expert_groups')} experts, the prediction "
                                           f"{pred.get('expert_groups')}")
            rows.append(row)
    except InputProblem as e:
        print(f"step_error.py: {e}", file=sys.stderr)
        return 2

    gap = f", gap {args.launch_gap_us} µs a kernel" if args.launch_gap_us is not None else ""
    md = [f"Step model against {args.measurements} on {hardware} ({args.mode}, fusion {args.fusion}, launch "
          f"{args.launch or 'default'}{gap}); error = (predicted − measured) / measured\n"]
    if args.points:
        md.append("| model | phase | batch | prompt | context | measured µs | predicted µs | error | kernels meas/pred |\n"
                  "|---|---|---|---|---|---|---|---|---|")
        for r in rows:
            md.append(f"| {r['model']} | {r['phase']} | {r['batch']} | {r['prompt'] or '-'} | {r['context']} | "
                      f"{r['measured_us']:.1f} | {r['predicted_us']:.1f} | {r['error_pct']:+.1f} % | "
                      f"{r['measured_kernels'] or '?'}/{r['predicted_kernels'] or '?'} |")
        md.append("")
    md.append(table("By phase", ["phase"], grouped(rows, ["phase"])))
    md.append(table("By phase and model", ["phase", "model"], grouped(rows, ["phase", "model"])))
    md.append(table("By phase, model and batch", ["phase", "model", "batch"], grouped(rows, ["phase", "model", "batch"])))
    verdict, ok = [], True
    for phase, s in grouped(rows, ["phase"]):
        met = s["median_abs_pct"] <= TARGET_MEDIAN_PCT[phase[0]]
        ok &= met
        verdict.append(f"{phase[0]}: median |error| {s['median_abs_pct']:.1f} % (target <= {TARGET_MEDIAN_PCT[phase[0]]:.0f} %): "
                       + ("met" if met else "NOT met"))
    mismatches = [r for r in rows if "routing_mismatch" in r]
    for r in mismatches:
        verdict.append(f"routing differs at {r['model']} {r['phase']} B={r['batch']}: {r['routing_mismatch']}")
    md.append("\n".join(verdict) + "\n")
    text = "\n".join(md)
    print(text)
    if args.markdown:
        pathlib.Path(args.markdown).write_text(text)
    if args.json_out:
        summary = {"hardware": hardware, "mode": args.mode, "fusion": args.fusion, "launch": args.launch,
                   "by_phase": {k[0]: s for k, s in grouped(rows, ["phase"])}, "points": rows}
        pathlib.Path(args.json_out).write_text(json.dumps(summary, indent=1) + "\n")
    return 0 if not args.check_targets or (ok and not mismatches) else 1


if __name__ == "__main__":
    sys.exit(main())
