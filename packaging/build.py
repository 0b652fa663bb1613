"""Build the self-contained annotator app for this OS and pack it into one archive.

    pip install -e '.[build]'
    python packaging/build.py            # icons, PyInstaller, platform files, archive
    python packaging/build.py --smoke    # … then run the built app's smoke test (offscreen)
    python packaging/build.py --smoke-only   # smoke-test an app already in dist/

Makes dist/annotator/ (Linux, Windows) or dist/annotator.app (macOS) from packaging/annotator.spec and
the archive dist/annotator-VERSION-OS-ARCH.tar.gz (Linux) or .zip (Windows, macOS). The version is
annotator/__init__.py's ``__version__`` (the one source: pyproject.toml reads it too). PyInstaller is not
a cross-compiler: each OS builds its own (.github/workflows/build.yml runs the three).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from icons import make_icons  # noqa: E402

from annotator import __version__  # noqa: E402

DIST = REPO / "dist"
BUILD = REPO / "build"


def os_name() -> str:
    return {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)


def arch() -> str:
    machine = platform.machine().lower()
    return {"amd64": "x86_64", "aarch64": "arm64"}.get(machine, machine)


def app_dir() -> Path:
    """The built app: the folder (Linux, Windows) or the .app bundle (macOS)."""
    return DIST / ("annotator.app" if sys.platform == "darwin" else "annotator")


def executable() -> Path:
    """The one executable of the built app."""
    if sys.platform == "darwin":
        return app_dir() / "Contents" / "MacOS" / "annotator"
    return app_dir() / ("annotator.exe" if sys.platform == "win32" else "annotator")


def archive_path() -> Path:
    suffix = ".tar.gz" if sys.platform.startswith("linux") else ".zip"
    return DIST / f"annotator-{__version__}-{os_name()}-{arch()}{suffix}"


def source_digest() -> str:
    """A digest of what the app is built from (annotator/, db/migrations/, resources/, packaging/): the
    build records it, so a test can tell a built app made from other sources than the checkout's."""
    import hashlib

    digest = hashlib.sha256()
    for folder in ("annotator", "db/migrations", "resources", "packaging"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def info_path() -> Path:
    """The build's record (version, source digest) beside the executable."""
    return executable().with_name("build-info.json")


def run_pyinstaller() -> None:
    icons = make_icons(BUILD / "icon")
    print(f"icons: {', '.join(p.name for p in icons.values())}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "pyinstaller"),
            str(HERE / "annotator.spec"),
        ],
        check=True,
        cwd=REPO,
    )


def add_platform_files() -> None:
    """Linux: the .desktop file, the shared-mime-info types of .annotator and .package, the icon and the
    script that installs them for the user. Windows: the Inno Setup script's notes travel in the repo
    (packaging/windows/annotator.iss builds an installer that registers the file types)."""
    if sys.platform.startswith("linux"):
        target = app_dir() / "share"
        target.mkdir(exist_ok=True)
        for name in ("annotator.desktop", "annotator-mime.xml"):
            shutil.copy2(HERE / "linux" / name, target / name)
        shutil.copy2(BUILD / "icon" / "annotator.png", target / "annotator.png")
        shutil.copy2(HERE / "linux" / "install.sh", app_dir() / "install.sh")
        (app_dir() / "install.sh").chmod(0o755)
    readme_folder = app_dir() / "Contents" / "Resources" if sys.platform == "darwin" else app_dir()
    shutil.copy2(HERE / "README-app.txt", readme_folder / "README.txt")


def make_archive() -> Path:
    target = archive_path()
    target.unlink(missing_ok=True)
    if target.name.endswith(".tar.gz"):
        with tarfile.open(target, "w:gz", compresslevel=6) as tar:
            tar.add(app_dir(), arcname=f"annotator-{__version__}")
    elif sys.platform == "darwin":  # ditto keeps the bundle's symlinks and extended attributes
        subprocess.run(["ditto", "-c", "-k", "--keepParent", str(app_dir()), str(target)], check=True)
    else:
        shutil.make_archive(str(target.with_suffix("")), "zip", root_dir=DIST, base_dir=app_dir().name)
    return target


def smoke() -> int:
    """Run the built app as a person's machine would: its version, then its smoke test offscreen."""
    exe = executable()
    if not exe.exists():
        print(f"no built app at {exe}: build first", file=sys.stderr)
        return 2
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PYTHONPATH", None)  # the app brings its own Python and packages
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, env=env, timeout=120)
    print(version.stdout, end="")
    if version.returncode != 0 or not version.stdout.startswith(f"annotator {__version__}\n"):
        print(f"--version failed ({version.returncode}): {version.stderr[-2000:]}", file=sys.stderr)
        return 1
    done = subprocess.run([str(exe), "smoke-test"], capture_output=True, text=True, env=env, timeout=300)
    print(done.stdout, end="")
    if done.returncode != 0:
        print(f"smoke test failed ({done.returncode}): {done.stderr[-4000:]}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="smoke-test the built app afterwards")
    parser.add_argument("--smoke-only", action="store_true", help="only smoke-test the app in dist/")
    parser.add_argument("--no-archive", action="store_true", help="leave the app folder, make no archive")
    args = parser.parse_args(argv)
    if args.smoke_only:
        return smoke()
    started = time.perf_counter()
    digest = source_digest()
    run_pyinstaller()
    add_platform_files()
    info_path().write_text(json.dumps({"version": __version__, "source_digest": digest}) + "\n", "utf-8")
    built = time.perf_counter() - started
    print(f"built {app_dir()} in {built:.0f} s")
    if not args.no_archive:
        archive = make_archive()
        print(f"archive: {archive} ({archive.stat().st_size / 1e6:.1f} MB)")
    return smoke() if args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
