"""URL presets against an HTTP server on 127.0.0.1 that the tests start."""

import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile

import numpy as np
import pytest

import keras_ssl
from keras_ssl.presets import PresetError
from keras_ssl.presets import cache_directory
from tiny_preset import to_numpy


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        server.requests.append(self.path)
        if self.path not in server.routes:
            self.send_error(404)
            return
        body, mode = server.routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        if mode != "no_length":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "cut":
            # Announce the whole body, send half, hang up.
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes, httpd.requests = {}, []
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def tar_gz(directory, inner_name="tiny_rotation"):
    """A .tar.gz of the preset directory, inside one folder."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(directory, arcname=inner_name)
    return buffer.getvalue()


def zip_of_files(directory):
    """A .zip with the preset's files at its top level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(os.listdir(directory)):
            archive.write(os.path.join(directory, name), arcname=name)
    return buffer.getvalue()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def cache_entries():
    """Everything in the preset cache, hidden entries included."""
    cache = cache_directory()
    return sorted(os.listdir(cache)) if os.path.isdir(cache) else []


def test_a_pinned_archive_downloads_once_and_loads(server, keras_home, tiny_preset):
    archive = tar_gz(tiny_preset.directory)
    server.routes["/presets/tiny_rotation.tar.gz"] = (archive, "normal")
    url = f"{server.base}/presets/tiny_rotation.tar.gz#sha256={sha256(archive)}"
    encoder = keras_ssl.load_encoder(url)
    np.testing.assert_array_equal(to_numpy(encoder(tiny_preset.inputs)), tiny_preset.features)
    assert server.requests == ["/presets/tiny_rotation.tar.gz"]
    assert cache_directory() == str(keras_home / "keras_ssl" / "presets")
    assert cache_entries() == [f"tiny_rotation-{sha256(archive)[:16]}"]
    entry = os.path.join(cache_directory(), cache_entries()[0])
    assert sorted(os.listdir(entry)) == ["README.md", "config.json", "metadata.json", "model.weights.h5"]

    model = keras_ssl.RotationPrediction.from_preset(url)
    np.testing.assert_array_equal(to_numpy(model(tiny_preset.inputs)), tiny_preset.features)
    assert len(server.requests) == 1  # served from the cache


def test_an_unpinned_zip_loads_and_is_cached_by_url(server, keras_home, tiny_preset):
    server.routes["/tiny.zip"] = (zip_of_files(tiny_preset.directory), "no_length")
    url = f"{server.base}/tiny.zip"
    model = keras_ssl.SSLModel.from_preset(url)
    np.testing.assert_array_equal(to_numpy(model(tiny_preset.inputs)), tiny_preset.features)
    keras_ssl.encoders.ConvNet.from_preset(url)
    assert server.requests == ["/tiny.zip"]
    assert cache_entries() == [f"tiny-{sha256(url.encode())[:16]}"]


def test_a_hash_mismatch_is_refused_and_nothing_is_cached(server, keras_home, tiny_preset):
    archive = tar_gz(tiny_preset.directory)
    server.routes["/tiny.tar.gz"] = (archive, "normal")
    wrong = sha256(b"another archive")
    with pytest.raises(PresetError) as error:
        keras_ssl.load_encoder(f"{server.base}/tiny.tar.gz#sha256={wrong}")
    message = str(error.value)
    assert "failed verification" in message and "nothing was cached" in message
    assert wrong in message and sha256(archive) in message
    assert cache_entries() == []


def test_tampered_weights_inside_an_archive_are_refused(server, keras_home, tiny_preset, tmp_path):
    directory = tiny_preset.copy_to(tmp_path)
    weights = os.path.join(directory, "model.weights.h5")
    data = bytearray(open(weights, "rb").read())
    data[-100] ^= 0x01
    open(weights, "wb").write(bytes(data))
    archive = tar_gz(directory)
    server.routes["/tiny.tar.gz"] = (archive, "normal")
    # Even with the archive's own (matching) hash pinned.
    for url in (f"{server.base}/tiny.tar.gz", f"{server.base}/tiny.tar.gz#sha256={sha256(archive)}"):
        with pytest.raises(PresetError, match="model.weights.h5 failed verification"):
            keras_ssl.load_encoder(url)
        assert cache_entries() == []


@pytest.mark.parametrize("mode", ["cut", "no_length_cut"])
def test_an_interrupted_download_leaves_nothing_in_the_cache(server, keras_home, tiny_preset, mode):
    archive = tar_gz(tiny_preset.directory)
    if mode == "cut":
        server.routes["/tiny.tar.gz"] = (archive, "cut")
        match = "Could not download and unpack.*retrieval incomplete"
    else:
        # No Content-Length: the client cannot tell; the archive is short.
        server.routes["/tiny.tar.gz"] = (archive[: len(archive) // 2], "no_length")
        match = "Could not download and unpack"
    with pytest.raises(PresetError, match=match):
        keras_ssl.load_encoder(f"{server.base}/tiny.tar.gz")
    assert cache_entries() == []
    # A pinned hash turns the same short body into a hash mismatch.
    if mode == "no_length_cut":
        with pytest.raises(PresetError, match="failed verification"):
            keras_ssl.load_encoder(f"{server.base}/tiny.tar.gz#sha256={sha256(archive)}")
        assert cache_entries() == []


def test_bad_urls_and_bad_archives_are_clear_errors(server, keras_home, tiny_preset, tmp_path):
    with pytest.raises(PresetError, match="Could not download.*404"):
        keras_ssl.load_encoder(f"{server.base}/missing.tar.gz")
    server.routes["/plain.tar.gz"] = (b"just some bytes, not an archive", "normal")
    with pytest.raises(PresetError, match="is not a .tar.gz, .tar or .zip archive"):
        keras_ssl.load_encoder(f"{server.base}/plain.tar.gz")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("hello")
    (tmp_path / "notes" / "b.txt").write_text("world")
    server.routes["/notes.tar.gz"] = (tar_gz(str(tmp_path / "notes"), "notes"), "normal")
    with pytest.raises(PresetError, match=r"holds \['notes'\], not a preset"):
        keras_ssl.load_encoder(f"{server.base}/notes.tar.gz")
    requests = len(server.requests)
    with pytest.raises(PresetError, match="only fragment accepted is #sha256="):
        keras_ssl.load_encoder(f"{server.base}/tiny.tar.gz#md5=0123")
    assert len(server.requests) == requests
    assert cache_entries() == []


def test_a_cached_preset_is_verified_again_on_every_load(server, keras_home, tiny_preset):
    archive = tar_gz(tiny_preset.directory)
    server.routes["/tiny.tar.gz"] = (archive, "normal")
    url = f"{server.base}/tiny.tar.gz#sha256={sha256(archive)}"
    keras_ssl.load_encoder(url)
    entry = os.path.join(cache_directory(), cache_entries()[0])
    with open(os.path.join(entry, "model.weights.h5"), "r+b") as file:
        file.truncate(1000)
    with pytest.raises(PresetError, match=f"Delete {entry} to download the preset again"):
        keras_ssl.load_encoder(url)
    assert len(server.requests) == 1
