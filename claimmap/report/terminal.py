"""Terminal summary with rich: zones, statements by side, disputes."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

    from claimmap.model import Report


def _clip(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


VERDICT_STYLE = {"corroborated": "green", "contradicted": "red", "disputed": "yellow",
                 "claimant_side_only": "magenta", "unverified": "dim"}
STANCE_STYLE = {"agree": "green", "disagree": "red", "discuss": "blue"}
#: evidence lines printed under each corroborated claim (one per outlet family)
EVIDENCE_LINES = 4
POLARITY_STYLE = {"deny": "red", "reject": "red", "accuse": "yellow", "assert": "blue",
                  "appeal": "green", "propose": "green", "promise": "green"}


def _print_corroboration(report: "Report", console: "Console", by_id: dict) -> None:
    """Per corroborated claim: said / so verdicts and the evidence count (nothing when not run)."""
    from rich.text import Text

    from claimmap.report.html import SO_TEXT, evidence_view, run_view

    verdicts = report.extras.get("verdicts")
    if not isinstance(verdicts, list):
        return
    run = run_view(report.extras)
    console.print("[bold]Corroboration[/bold]" + (f" [dim]({run})[/dim]" if run else f" ({len(verdicts)} claims)"))
    for v in verdicts:
        if not isinstance(v, dict):
            continue
        st = by_id.get(v.get("statement"))
        who = v.get("speaker") or (st.speaker.canonical if st and st.speaker else None) or "narrator"
        line = Text(f"  {v.get('statement')} ", style="dim")
        line.append(str(who), style="bold")
        said, so = v.get("said"), v.get("so")
        line.append("  said: ")
        line.append(str(said or "n/a"), style=VERDICT_STYLE.get(said, ""))
        line.append("  so: ")
        line.append(str(so), style=VERDICT_STYLE.get(so, ""))
        n = len(v.get("evidence") or [])
        line.append(f"  ({n} evidence) ", style="dim")
        line.append(_clip(str(v.get("claim") or (st.content.text if st else "")), 90))
        console.print(line)
        if v.get("reason"):
            console.print(Text(f"      why: {_clip(str(v['reason']), 140)}", style="dim"))
        keys = [str(k) for k in v.get("claimant_keys") or []]
        seen: set[str] = set()
        views = [evidence_view(e, keys) for e in v.get("evidence") or []
                 if isinstance(e, dict) and e.get("stance") != "unrelated"]
        # what decides the verdict first: independent items (for so, or reports of the speaker
        # from outside the speaker's side for said), contradictions before confirmations
        views.sort(key=lambda ev: (not ev["independence_text"].startswith("independent"),
                                   {"disagree": 0, "agree": 1}.get(ev["stance"], 2)))
        for ev in views:
            key = ev["family"] or ev["outlet"]
            if key in seen or len(seen) >= EVIDENCE_LINES:
                continue  # one line per outlet family: each family counts once
            seen.add(key)
            item = Text("      ")
            item.append(ev["outlet"], style="bold")
            item.append(f" {ev['stance_text']}", style=STANCE_STYLE.get(ev["stance"], ""))
            item.append(f" · {ev['independence_text']}", style="dim")
            if ev["url"]:
                item.append(f" · {ev['url']}", style="dim")
            item.append(f"\n        “{_clip(ev['text'], 120)}”")
            console.print(item)
    if verdicts:
        console.print(Text("  said = was the statement made? so = is it so? claimant_side_only: "
                           + SO_TEXT["claimant_side_only"] + "; unverified: nothing found either way "
                           "(not the same as false)", style="dim"))


def print_report(report: "Report", console: "Console | None" = None) -> None:
    from rich.console import Console
    from rich.text import Text

    console = console or Console()
    doc = report.document
    console.rule(Text(doc.title or "Untitled article", style="bold"))
    meta = " · ".join(x for x in [doc.site, doc.published, doc.url, f"language {doc.language}"] if x)
    if meta:
        console.print(Text(meta, style="dim"))
    copy_of, copy_outlet = getattr(doc, "copy_of", None), getattr(doc, "copy_of_outlet", None)
    if copy_of or copy_outlet:
        from claimmap.report.claims import outlet_label

        copy_outlet = outlet_label(copy_outlet) if copy_outlet else None
        origin = " ".join(x for x in [copy_of, f"({copy_outlet})" if copy_of and copy_outlet else copy_outlet] if x)
        console.print(Text(f"copy of {origin}: a syndicated copy, not a separate source", style="magenta"))
    counts = Counter(z.kind for z in report.zones)
    replies = sum(1 for z in report.zones if z.kind == "comment" and z.parent)
    zone_line = ", ".join(f"{n} {k}" for k, n in counts.items())
    if counts.get("comment"):
        zone_line += f" ({counts['comment'] - replies} top-level, {replies} replies)"
    console.print(f"[bold]Zones:[/bold] {zone_line}")

    trusted = [st for st in report.statements if st.trusted]
    held = len(report.statements) - len(trusted)
    article = {z.id for z in report.zones if z.kind in ("header", "body")}
    outside = [st for st in trusted if st.zone not in article]
    trusted = [st for st in trusted if st.zone in article]
    console.print(f"[bold]Statements ({len(trusted)})[/bold]")
    if held:
        from claimmap.statements.confidence import threshold

        console.print(Text(f"  {held} more below confidence {threshold():g} (likely misreadings: not "
                           "listed, not in disputes or verdicts; kept with their confidence in "
                           "--format json)", style="dim"))
    for st in trusted:
        line = Text(f"  {st.id} ", style="dim")
        line.append(st.speaker.canonical if st.speaker else "narrator", style="bold")
        side = (st.speaker.side if st.speaker else None)
        if side:
            from claimmap.report.claims import side_label

            line.append(f" [{side_label(side)}]", style="cyan")
        line.append(f" {st.polarity}", style=POLARITY_STYLE.get(st.polarity, ""))
        line.append(f" ({st.kind}, {st.zone}): ", style="dim")
        line.append(_clip(st.content.text, 160))
        console.print(line)
    if outside:
        kinds = {z.id: z.kind for z in report.zones}
        where = Counter(kinds.get(st.zone, "?") for st in outside)
        console.print(Text(f"  {len(outside)} more outside the article ("
                           + ", ".join(f"{n} in {k} zones" for k, n in where.most_common())
                           + "): not the article's claims; listed in --format html and json",
                           style="dim"))

    from claimmap.checkworthiness.rank import rank

    ranked = [s for s in rank(report) if s.checkworthiness is not None][:5]
    if ranked:
        console.print("[bold]Most check-worthy claims[/bold]")
        for st in ranked:
            who = st.speaker.canonical if st.speaker else "narrator"
            console.print(Text(f"  {st.checkworthiness:.2f} {st.id} {who}: {_clip(st.content.text, 120)}"))

    by_id = {s.id: s for s in report.statements}
    console.print(f"[bold]Disputes ({len(report.disputes)})[/bold]")
    if not report.disputes:
        console.print("  none: no party denies what another asserts")
    for d in report.disputes:
        a, b = by_id.get(d.statements[0]), by_id.get(d.statements[1])
        who = lambda s: f"{s.speaker.canonical if s.speaker else 'narrator'} ({s.polarity})" if s else "?"  # noqa: E731
        line = Text(f"  {d.id}: ")
        line.append(who(a), style="bold")
        line.append(" vs ")
        line.append(who(b), style="bold")
        line.append(f" — “{_clip(d.proposition, 90)}”")
        console.print(line)
    _print_corroboration(report, console, by_id)
    framing = report.extras.get("framing")
    if framing:
        console.print("[bold]Framing[/bold]")
        console.print(Text("  " + framing.get("summary", "")))
        scare = [t["text"] for t in framing.get("terms", []) if t.get("scare_quoted")]
        if scare:
            console.print(Text("  scare-quoted: " + ", ".join(dict.fromkeys(scare))))
    techniques = report.extras.get("techniques")
    if techniques:
        from collections import Counter as _Counter

        article = {z.id for z in report.zones if z.kind in ("header", "body")}
        for label, ts in (("article", [t for t in techniques if t["zone"] in article]),
                          ("comments", [t for t in techniques if t["zone"] not in article])):
            if ts:
                counts = _Counter(t["technique"] for t in ts).most_common()
                console.print(Text(f"  techniques in the {label}: " + ", ".join(f"{k} ×{n}" for k, n in counts)))
    summary = report.extras.get("comments_summary")
    if summary:
        console.print("[bold]Comments[/bold]")
        console.print(Text("  " + summary.get("summary", "")))
        for c in report.extras.get("comments", []):
            if c.get("flags"):
                terms = ", ".join(dict.fromkeys([t["text"] for t in c.get("terms", [])]
                                                + [f"“{_clip(t['text'], 40)}” ({t['technique']})"
                                                   for t in c.get("techniques", [])]))
                console.print(Text(f"  {c['zone']}: {', '.join(c['flags'])} — {_clip(terms, 100)}"))
    for w in report.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
