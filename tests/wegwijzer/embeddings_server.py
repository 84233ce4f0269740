"""A real local HTTP server with the OpenAI-compatible embeddings shape, serving a
small deterministic embedding (hashed character 4-grams, 128 dimensions): the
semantic ranker is tested against it, not against a mock of our own code."""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIM = 128


def embed(text: str) -> list[float]:
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    vector = [0.0] * DIM
    for word in re.findall(r"[a-z]+", folded):
        padded = f" {word} "
        for i in range(len(padded) - 3):
            vector[zlib.crc32(padded[i : i + 4].encode()) % DIM] += 1.0
    return vector


@dataclass
class Behaviour:
    delay_s: float = 0.0
    status: int = 200
    inputs: list[str] = field(default_factory=list)


@contextmanager
def embeddings_server(behaviour: Behaviour) -> Iterator[str]:
    """Serve ``POST /v1/embeddings`` on 127.0.0.1; yields the full URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            behaviour.inputs.extend(texts)
            if behaviour.delay_s:
                time.sleep(behaviour.delay_s)
            if behaviour.status != 200:
                self.send_response(behaviour.status)
                self.end_headers()
                return
            data = {"object": "list", "model": body.get("model"),
                    "data": [{"object": "embedding", "index": i, "embedding": embed(t)}
                             for i, t in enumerate(texts)]}
            raw = json.dumps(data).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1/embeddings"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
