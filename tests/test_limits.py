"""Bounded work (issue 16): the analysed-length cap, the time budget, compressed and malformed
inputs. Every pathological input is made here, on the fly; each must end in one error line,
quickly and in little memory, from the CLI and from ``corpus add``."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimmap.limits import (
    AnalysisTimeoutError,
    BoundedGzipReader,
    CompressedInputError,
    TextTooLongError,
    check_text_length,
    open_maybe_gzip,
    time_limit,
)

ROOT = Path(__file__).resolve().parents[1]


def cli(args: list[str], *, env: dict | None = None, timeout: float = 60, stdin: bytes | None = None):
    """Run ``python -m claimmap ARGS`` in a child process; (exit code, stdout, stderr, seconds,
    peak resident memory of the child in MiB)."""
    import tempfile

    # The child's own peak: its VmHWM, read while it runs. Neither RUSAGE_CHILDREN (the largest
    # of every child this process ever reaped) nor the child's ru_maxrss (a child spawned from
    # this large test process starts with the parent's memory counted until it execs) says it.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        inp.write(stdin or b"")
        inp.seek(0)
        t = time.monotonic()
        p = subprocess.Popen([sys.executable, "-m", "claimmap", *args], stdout=out, stderr=err, stdin=inp,
                             env={**os.environ, **(env or {})}, cwd=ROOT)
        peak_kb = 0
        while p.poll() is None:
            if time.monotonic() - t > timeout:
                p.kill()
                p.wait()
                raise subprocess.TimeoutExpired(args, timeout)
            try:
                with open(f"/proc/{p.pid}/status") as fh:
                    for line in fh:
                        if line.startswith("VmHWM:"):
                            peak_kb = max(peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        secs = time.monotonic() - t
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read().decode(), err.read().decode(), secs, peak_kb / 1024


def short_lines(n_lines: int, seed: int = 7) -> str:
    """``n_lines`` short sentence-like lines (what a scraped list or log dump looks like)."""
    rng = random.Random(seed)
    words = ("the port minister said talks will resume on monday according to officials who "
             "denied any deal was reached").split()
    return "".join(" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))).capitalize() + ".\n"
                   for _ in range(n_lines))


def gzip_bomb_warc(inflated: int) -> bytes:
    """A .warc.gz whose one response record inflates to ``inflated`` bytes of zeros (about
    1000:1); made from one compressed MiB repeated, so it is never held inflated here either."""
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            + f"Content-Length: {inflated + 45}\r\n\r\n".encode()
            + b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n")
    member = gzip.compress(b"\0" * (1 << 20), 9)  # one MiB of zeros in about 1 KB
    return gzip.compress(head) + member * (inflated >> 20)  # gzip members may be concatenated


def small_warc(pages: list[tuple[str, bytes]], gz: bool = True) -> bytes:
    pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    w = WARCWriter(out, gzip=gz)
    for url, body in pages:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    return out.getvalue()


PAGE = (b"<html><head><title>Quay</title></head><body><article><h1>Quay opens</h1><p>"
        + b"The harbour authority said the new quay would open in June, officials said on Monday. " * 8
        + b"</p></article></body></html>")


# ----------------------------------------------------------------------------- text length
def test_check_text_length(monkeypatch):
    monkeypatch.setenv("CLAIMMAP_MAX_CHARS", "100")
    check_text_length(100)
    with pytest.raises(TextTooLongError) as e:
        check_text_length(101)
    assert str(e.value) == "the text is too long to analyse: 101 characters, limit 100"
    assert e.value.exit_code == 2
    monkeypatch.setenv("CLAIMMAP_MAX_CHARS", "0")  # no cap
    check_text_length(10**9)


def test_pipeline_refuses_a_long_text_before_parsing(monkeypatch):
    """The cap holds for analyze_text/analyze_html (CLI, API, corpus add and batch go through it)
    and is checked before the zoner or spaCy see the text."""
    import claimmap.zones as zones
    from claimmap.pipeline import analyze_html, analyze_text

    monkeypatch.setenv("CLAIMMAP_MAX_CHARS", "500")

    def no_parsing(*a, **k):
        raise AssertionError("parsed a text over the cap")

    monkeypatch.setattr(zones, "zone_document", no_parsing)
    with pytest.raises(TextTooLongError, match="too long to analyse: 1200 characters, limit 500"):
        analyze_text("A short line.\n" * 80 + "x" * 80)
    monkeypatch.undo()
    monkeypatch.setenv("CLAIMMAP_MAX_CHARS", "500")
    html = "<html><body><article>" + "<p>The minister said the port would reopen soon.</p>" * 40 + "</article></body></html>"
    with pytest.raises(TextTooLongError, match="too long to analyse"):  # the page's text, once extracted
        analyze_html(html)


def test_cli_five_mb_of_short_lines_is_one_error_line_fast(tmp_path):
    """Issue 16: `analyze` of 5 MB in 200,000 short lines ran past 5 minutes at 2.5 GB."""
    path = tmp_path / "lines.txt"
    path.write_text(short_lines(200_000), encoding="utf-8")
    assert path.stat().st_size > 4_000_000
    code, out, err, secs, peak = cli(["analyze", str(path), "-f", "json"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "too long to analyse:" in err and "characters, limit 200000" in err
    assert secs < 60 and peak < 2048, (secs, peak)


def test_corpus_add_five_mb_of_short_lines_is_one_error_line(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text(short_lines(200_000), encoding="utf-8")
    jsonl = tmp_path / "docs.jsonl"
    jsonl.write_text(json.dumps({"text": short_lines(200_000, seed=3), "url": "https://a.example/x"}) + "\n")
    code, out, err, secs, peak = cli(["corpus", "add", str(path), str(jsonl), "--db", str(tmp_path / "c.db"),
                                      "--no-embed"])
    assert code == 1 and "failed 2" in out
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 2 and all("too long to analyse:" in ln for ln in lines), err
    assert secs < 60 and peak < 2048, (secs, peak)


# ----------------------------------------------------------------------------- time budget
def test_time_limit_interrupts_python_code():
    t = time.monotonic()
    with pytest.raises(AnalysisTimeoutError, match="0.2-second budget"):
        with time_limit(0.2):
            while True:
                sum(range(1000))
    assert time.monotonic() - t < 2
    with time_limit(0):  # no budget: nothing happens
        pass


def test_time_limit_is_a_no_op_off_the_main_thread():
    import threading

    seen = []

    def work():
        with time_limit(0.05):
            time.sleep(0.2)
        seen.append("done")

    th = threading.Thread(target=work)
    th.start()
    th.join()
    assert seen == ["done"]


def test_cli_budget_stops_an_analysis(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text(short_lines(8000), encoding="utf-8")  # about 170k characters: well over 2 s
    code, out, err, secs, _ = cli(["analyze", str(path)], env={"CLAIMMAP_ANALYSIS_TIMEOUT": "2"})
    assert code == 6 and out == ""
    assert err.strip() == ("claimmap: error: the analysis ran over its 2-second budget and was stopped "
                           "(a shorter text, or the article without its comments, may fit)")
    assert secs < 60  # Python start-up and the imports before the analysis are outside the budget


# ----------------------------------------------------------------------------- gzip streams
def test_bounded_gzip_reads_members_and_refuses_truncation_and_garbage():
    data = os.urandom(50_000) + b"words " * 2000
    blob = gzip.compress(data) + gzip.compress(b"second member") + b"\0\0\0\0"
    assert open_maybe_gzip(io.BytesIO(blob), label="x").read() == data + b"second member"
    assert open_maybe_gzip(io.BytesIO(b"plain bytes"), label="x").read() == b"plain bytes"
    with pytest.raises(CompressedInputError, match="x: the gzip data is truncated"):
        open_maybe_gzip(io.BytesIO(blob[:3000]), label="x").read()
    with pytest.raises(CompressedInputError, match="corrupt gzip data"):
        open_maybe_gzip(io.BytesIO(b"\x1f\x8b" + b"garbage" * 10), label="x").read()


def test_bounded_gzip_refuses_a_bomb_after_inflating_a_few_mib():
    bomb = gzip_bomb_warc(256 << 20)
    reader = BoundedGzipReader(io.BytesIO(bomb), label="bomb.warc.gz", ratio=100)
    with pytest.raises(CompressedInputError, match=r"bomb.warc.gz: inflates more than 100 times"):
        while reader.read(1 << 16):
            pass
    assert reader.produced < 16 << 20  # stopped early, never held


def test_cli_corpus_add_gzip_bomb_is_one_error_line(tmp_path):
    """Issue 16: a 1 MB .warc.gz that inflates to 1 GB of zeros grew `corpus add` to 24 GB."""
    pytest.importorskip("warcio")
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(gzip_bomb_warc(1 << 30))
    assert path.stat().st_size < 2 << 20
    code, out, err, secs, peak = cli(["corpus", "add", str(path), "--db", str(tmp_path / "c.db"), "--no-embed"])
    assert code == 1 and "failed 1" in out
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "inflates more than 100 times its compressed size" in lines[0], err
    assert secs < 60 and peak < 2048, (secs, peak)
    # analyze refuses a gzip file outright (it reads articles, not archives)
    code, out, err, secs, peak = cli(["analyze", str(path)])
    assert code == 2 and err.count("\n") == 1 and "gzip archive" in err


def test_warc_record_over_the_byte_cap_is_an_error_record(monkeypatch):
    from claimmap.corpus.ingest import warc_records

    monkeypatch.setenv("CLAIMMAP_MAX_BYTES", "1000")
    blob = small_warc([("https://a.example/big", PAGE * 3), ("https://a.example/ok", PAGE[:900])])
    recs = list(warc_records(io.BytesIO(blob), "crawl.warc.gz"))
    assert [r.kind for r in recs] == ["error", "warc"]
    assert "over the 1,000-byte limit" in recs[0].error and recs[0].label.endswith("https://a.example/big")


# ----------------------------------------------------------------------------- malformed WARC
@pytest.mark.parametrize("gz", [True, False])
def test_truncated_warc_is_named(gz):
    from claimmap.corpus.ingest import warc_records

    blob = small_warc([("https://a.example/1", PAGE), ("https://a.example/2", PAGE.replace(b"June", b"July"))], gz=gz)
    for cut in (len(blob) - 10, len(blob) * 3 // 4):
        recs = list(warc_records(io.BytesIO(blob[:cut]), "crawl.warc"))
        assert recs[0].kind == "warc"  # what came before the damage is read
        assert recs[-1].kind == "error", [r.kind for r in recs]
        assert "truncated" in recs[-1].error and "NoneType" not in recs[-1].error, recs[-1].error


def test_not_a_warc_and_a_broken_header_are_named():
    from claimmap.corpus.ingest import warc_records

    (rec,) = warc_records(io.BytesIO(b"hello, this is not an archive\n"), "x.warc")
    assert rec.kind == "error" and "not a WARC file" in rec.error
    (rec,) = warc_records(io.BytesIO(b""), "x.warc")
    assert "empty" in rec.error
    blob = small_warc([("https://a.example/1", PAGE)], gz=False)
    (rec,) = warc_records(io.BytesIO(blob[:30]), "x.warc")
    assert rec.kind == "error" and "record 1" in rec.error and "AttributeError" not in rec.error


def test_cli_truncated_warc_is_one_error_line(tmp_path):
    blob = small_warc([("https://a.example/1", PAGE)])
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(blob[: len(blob) // 2])
    code, out, err, secs, peak = cli(["corpus", "add", str(path), "--db", str(tmp_path / "c.db"), "--no-embed"])
    assert code == 1 and "failed 1" in out
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "truncated" in lines[0] and "NoneType" not in lines[0], err


# ----------------------------------------------------------------------------- feeds and JSONL
def test_malformed_feeds_are_named():
    pytest.importorskip("feedparser")
    from claimmap.corpus.ingest import _feed_items

    def messages(data: bytes) -> list[str]:
        out = []
        for item in _feed_items(data, "f.xml"):
            try:
                item.load()
            except Exception as exc:  # noqa: BLE001
                out.append(str(exc))
        return out

    assert messages(b"not xml at all") == ["not a valid RSS/Atom feed: malformed XML at line 2, column 0: syntax error"]
    assert messages(b"<?xml version='1.0'?><rss><channel></channel></rss>") == ["the feed has no entries"]
    assert messages(b"<html><body>hi</body></html>") == ["not an RSS/Atom feed (no <rss>, <feed> or RDF root element)"]
    truncated = messages(b"<rss><channel><item><link>http://127.0.0.1:9/a</link></item><item><title>x")
    assert truncated[-1].startswith("the feed is malformed after entry 2: malformed XML at line")


def test_jsonl_line_over_the_cap_is_skipped_not_held(monkeypatch):
    from claimmap.corpus.ingest import jsonl_records

    monkeypatch.setenv("CLAIMMAP_MAX_BYTES", "100")
    data = b'{"text": "a"}\n' + b'{"text": "' + b"x" * 5000 + b'"}\n' + b'{"text": "b"}\n'
    recs = list(jsonl_records(io.BytesIO(data), "d.jsonl"))
    assert [(r.label, r.kind) for r in recs] == [("d.jsonl:1", "jsonl"), ("d.jsonl:2", "error"), ("d.jsonl:3", "jsonl")]
    assert "over the 100-byte limit" in recs[1].error


def test_corpus_urls_and_sites_are_checked():
    from claimmap.corpus.ingest import RawRecord, check_doc_url, check_site, load_record
    from claimmap.errors import ClaimmapError

    assert check_doc_url(" https://a.example/x ") == "https://a.example/x" and check_doc_url("") is None
    for bad in ("javascript:alert(1)", "data:text/html,hi", "/relative", "http://", "https://a.example/x y"):
        with pytest.raises(ClaimmapError, match="only http:// and https:// urls"):
            check_doc_url(bad)
    assert check_site("  Harbour   Post ") == "Harbour Post"
    with pytest.raises(ClaimmapError, match="plain text"):
        check_site("<b>Post</b>")
    line = json.dumps({"text": "The minister said the port would reopen.", "url": "javascript:alert(1)"})
    with pytest.raises(ClaimmapError, match="only http:// and https:// urls"):
        load_record(RawRecord("d.jsonl:1", "jsonl", line.encode()))
