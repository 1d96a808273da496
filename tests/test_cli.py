"""CLI: every bad input is one clear line on stderr and a specific non-zero exit code."""

import json
import socket
import subprocess
import sys

import pytest

from claimmap.cli import main

ENGLISH = ("Harbour officials said on Monday that the new ferry would start service in May. "
           "The transport minister denied that the project was over budget.\n")


def run(argv, capsys, stdin_bytes=None, monkeypatch=None):
    if stdin_bytes is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin_bytes)))
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def _file(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("name,data,code,message", [
    ("empty.txt", b"", 2, "claimmap: error: input is empty"),
    ("blank.txt", b"  \n\t\n", 2, "claimmap: error: input is empty"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, 2, "claimmap: error: input "),
    ("nul.txt", b"hello\x00world" * 50, 2, "NUL bytes"),
    ("bad-bom.txt", b"\xef\xbb\xbf" + b"abc \xff\xfe\xfa\xfb" * 40, 2, "byte-order mark"),
    ("german.txt", ("Der Hafen von Haldby wurde am Montag geschlossen, teilte die Behörde mit. "
                    "Die Ministerin bestritt, dass das Projekt teurer geworden sei.\n").encode(), 3,
     "claimmap: error: the article looks like language 'de'"),
    ("nav.html", b"<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
     2, "claimmap: error: no article text"),
])
def test_bad_file_inputs(tmp_path, capsys, name, data, code, message):
    rc, out, err = run(["analyze", _file(tmp_path, name, data)], capsys)
    assert rc == code, err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert out == ""


def test_oversized_input(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_MAX_BYTES", "1000")
    rc, _, err = run(["analyze", _file(tmp_path, "big.txt", ENGLISH.encode() * 20)], capsys)
    assert rc == 2 and "over the 1000-byte limit" in err and err.startswith("claimmap: error:")


def test_missing_file(capsys):
    rc, _, err = run(["analyze", "/nonexistent/story.txt"], capsys)
    assert (rc, err.strip()) == (2, "claimmap: error: no such file: /nonexistent/story.txt")


def test_unreachable_url(capsys, monkeypatch):
    monkeypatch.setenv("CLAIMMAP_ALLOW_PRIVATE_URLS", "127.0.0.0/8")  # the address guard refuses loopback by default
    rc, _, err = run(["analyze", f"http://127.0.0.1:{_free_port()}/story"], capsys)
    assert rc == 4 and err.startswith("claimmap: error: cannot connect to 127.0.0.1")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://127.0.0.1/1", "ftp://127.0.0.1/x"])
def test_refused_schemes(capsys, url):
    rc, _, err = run(["analyze", url], capsys)
    assert rc == 4 and err.startswith("claimmap: error: refusing to ") and "http" in err


def test_empty_stdin(capsys, monkeypatch):
    rc, _, err = run(["analyze", "-"], capsys, stdin_bytes=b"", monkeypatch=monkeypatch)
    assert (rc, err.strip()) == (2, "claimmap: error: input is empty")


def test_usage_error_is_not_a_traceback(capsys):
    rc, _, err = run(["analyze", "x", "--format", "pdf"], capsys)
    assert rc == 2 and "Traceback" not in err and "pdf" in err


def test_analyze_json_on_stdin(capsys, monkeypatch):
    rc, out, err = run(["analyze", "-", "--format", "json"], capsys, stdin_bytes=ENGLISH.encode(), monkeypatch=monkeypatch)
    assert rc == 0, err
    data = json.loads(out)
    from claimmap.report.json import validate

    validate(data)
    assert data["document"]["language"] == "en"
    assert {z["kind"] for z in data["zones"]} >= {"body"}
    assert any(s["polarity"] == "deny" for s in data["statements"])


def test_demo_writes_html(tmp_path, capsys):
    out_file = tmp_path / "demo.html"
    rc, out, err = run(["demo", "-o", str(out_file)], capsys)
    assert rc == 0, err
    html = out_file.read_text("utf-8")
    assert "Velmark" in html and 'class="speaker"' in html
    assert "Disputes" in out and "HTML report written" in err


def test_cli_entry_point_subprocess(tmp_path):
    """The installed console script works end to end (cold start, real process)."""
    p = tmp_path / "a.txt"
    p.write_text(ENGLISH, encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "claimmap", "analyze", str(p), "-f", "json"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["schema_version"].startswith("1.")
    bad = subprocess.run([sys.executable, "-m", "claimmap", "analyze", str(tmp_path / "none.txt")],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("claimmap: error: no such file")


def test_eval_checkworthiness_prints_one_json(tmp_path, capsys):
    d = tmp_path / "clef"
    d.mkdir()
    rows = ["1\tA\tGood evening and welcome to the debate.\t0",
            "2\tB\tUnemployment fell to 3.5 percent last year, the lowest since 1969.\t1",
            "3\tA\tThank you very much.\t0"]
    (d / "debate1.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rc, out, err = run(["eval", "checkworthiness", str(d)], capsys)
    assert rc == 0, err
    res = json.loads(out)
    assert res["n_debates"] == 1 and 0 <= res["map"] <= 1 and set(res) >= {"map", "r_precision", "p_at_5"}
