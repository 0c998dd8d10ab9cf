#!/usr/bin/env python3
"""Build the demo WARC file of the storyline demo corpus.

Reads the HTML pages kept in scripts/warc_src/ and writes them, as
HTTP/1.1 200 response records (each preceded by its request record), to
src/storyline/demo/corpus/warc/demo.warc.gz.

The output is deterministic: record ids and dates are fixed below, so
re-running the script gives the same records.

    python scripts/make_demo_warc.py            # default output path
    python scripts/make_demo_warc.py -o out.warc.gz

Needs warcio (pip install warcio).
"""
import argparse
import hashlib
import io
import uuid
from pathlib import Path

try:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
except ImportError:  # pragma: no cover
    raise SystemExit("warcio is missing: pip install warcio") from None

HERE = Path(__file__).resolve().parent
SRC = HERE / "warc_src"
DEFAULT_OUT = HERE.parent / "src" / "storyline" / "demo" / "corpus" / "warc" / "demo.warc.gz"

# (source file, URL it was "crawled" from, crawl date, HTTP Date header)
PAGES = [
    ("kim-nuclear-button-trump-bigger-button.html",
     "https://northgatepost.example/world/2018/01/03/kim-nuclear-button-trump-bigger-button",
     "2024-03-11T09:12:44Z", "Mon, 11 Mar 2024 09:12:44 GMT"),
    ("notre-dame-rooster-returns-to-spire.html",
     "https://northgatepost.example/europe/2023/12/16/notre-dame-rooster-returns-to-spire",
     "2024-03-11T09:13:02Z", "Mon, 11 Mar 2024 09:13:02 GMT"),
]


def record_id(*parts):
    """A stable WARC-Record-ID derived from the given strings."""
    digest = hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()
    return f"<urn:uuid:{uuid.UUID(digest[:32])}>"


def build(out_path):
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)

        info = writer.create_warcinfo_record(
            "demo.warc.gz",
            {"software": "storyline make_demo_warc.py (warcio)",
             "format": "WARC File Format 1.0",
             "description": "storyline demo corpus: fictional news pages"})
        # fixed id and date instead of random/now ones, for a reproducible file
        info.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", "demo.warc.gz"))
        info.rec_headers.replace_header("WARC-Date", PAGES[0][2])
        writer.write_record(info)

        for name, url, warc_date, http_date in PAGES:
            body = (SRC / name).read_bytes()
            host = url.split("/")[2]
            path = "/" + url.split("/", 3)[3]

            req_headers = StatusAndHeaders(
                f"GET {path} HTTP/1.1",
                [("Host", host),
                 ("User-Agent", "Mozilla/5.0 (compatible; storyline-demo-crawler/0.1)"),
                 ("Accept", "text/html,application/xhtml+xml"),
                 ("Accept-Language", "en")],
                is_http_request=True)
            req = writer.create_warc_record(
                url, "request", payload=io.BytesIO(b""), http_headers=req_headers,
                warc_headers_dict={"WARC-Date": warc_date,
                                   "WARC-Record-ID": record_id("request", url)})

            resp_headers = StatusAndHeaders(
                "200 OK",
                [("Date", http_date),
                 ("Server", "nginx"),
                 ("Content-Type", "text/html; charset=utf-8"),
                 ("Content-Length", str(len(body))),
                 ("Cache-Control", "max-age=300"),
                 ("X-Cache", "HIT")],
                protocol="HTTP/1.1")
            resp = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=resp_headers,
                warc_headers_dict={"WARC-Date": warc_date,
                                   "WARC-Record-ID": record_id("response", url)})
            # link the request to its response, as crawlers do
            req.rec_headers.add_header("WARC-Concurrent-To", resp.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(req)
            writer.write_record(resp)
    return out_path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--out", default=str(DEFAULT_OUT), help="output .warc.gz path")
    args = ap.parse_args()
    path = build(args.out)
    print("wrote", path)


if __name__ == "__main__":
    main()
