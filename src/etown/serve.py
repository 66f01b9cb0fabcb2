"""``etown serve``: build, then serve the output folder on 127.0.0.1 until interrupted."""

import functools
import http.server
from pathlib import Path

from etown.build import build


def serve(root: Path, out_dir: Path, port: int) -> int:
    report = build(root, out_dir)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(report.out_dir))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"etown: serving {report.out_dir}/ at http://127.0.0.1:{server.server_port}/ (Ctrl+C stops)")
        server.serve_forever()
    return 0
