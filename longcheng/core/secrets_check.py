"""Production refuses to start on a secret anyone could know (issue 23, item 10).

A secret is known when it is short or repetitive (Django's own rule for SECRET_KEY: at least 50
characters, at least 5 different ones, not Django's "django-insecure-" prefix), or when it
appears in any text file of the installation — the demo default in the settings, the
placeholders of `.env.example`, a key pasted into the docs. Called by the production settings
before anything else runs; it raises with every problem named at once.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5
# Where someone could have written a secret down; large generated folders are not read.
_TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".txt",
    ".example",
    ".toml",
    ".cfg",
    ".ini",
    ".yml",
    ".yaml",
    ".json",
    ".html",
    ".sh",
    ".env",
    ".po",
    ".conf",
    "",
}
_SKIPPED_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "staticfiles",
    "media",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
}
_MAX_FILE_BYTES = 2_000_000


def _text_files(root: Path):
    for path in root.iterdir():
        if path.is_dir():
            if path.name not in _SKIPPED_DIRS and not path.is_symlink():
                yield from _text_files(path)
        elif path.suffix in _TEXT_SUFFIXES or path.name.startswith(".env"):
            try:
                if path.stat().st_size <= _MAX_FILE_BYTES:
                    yield path
            except OSError:
                continue


def _found_in(root: Path, secrets: dict[str, str]) -> dict[str, Path]:
    """For each secret written in some file under root, the first such file."""
    found: dict[str, Path] = {}
    wanted = {name: value for name, value in secrets.items() if value}
    for path in _text_files(root):
        if len(found) == len(wanted):
            break
        try:
            text = path.read_text(encoding="utf-8", errors="ignore")
        except OSError:
            continue
        for name, value in wanted.items():
            if name not in found and value in text:
                found[name] = path
    return found


def _key_parts(setting: str) -> list[str]:
    """The secret parts of an `id:base64,id:base64` key list."""
    return [part.partition(":")[2].strip() for part in setting.split(",") if part.strip()]


def secret_problems(
    secret_key: str, *, keyed: dict[str, str] | None = None, root: Path
) -> list[str]:
    """Every reason these secrets are known or weak (empty when they are fit for production)."""
    problems = []
    if len(secret_key) < SECRET_KEY_MIN_LENGTH or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE:
        problems.append(
            f"DJANGO_SECRET_KEY: at least {SECRET_KEY_MIN_LENGTH} characters with at least "
            f"{SECRET_KEY_MIN_UNIQUE} different ones (got {len(secret_key)})."
        )
    if secret_key.startswith("django-insecure-"):
        problems.append("DJANGO_SECRET_KEY: a key Django generated for development.")
    secrets = {"DJANGO_SECRET_KEY": secret_key}
    for name, setting in (keyed or {}).items():
        for index, part in enumerate(
            _key_parts(setting) if name != "LONGCHENG_BLIND_INDEX_KEY" else [setting]
        ):
            secrets[f"{name} ({index + 1})"] = part
    for name, path in _found_in(root, secrets).items():
        problems.append(f"{name}: written in {path}; a key in a file of the installation is known.")
    return problems


def refuse_known_secrets(secret_key: str, *, keyed: dict[str, str], root: Path) -> None:
    problems = secret_problems(secret_key, keyed=keyed, root=root)
    if problems:
        raise ImproperlyConfigured("生产环境拒绝启动：密钥不安全。\n" + "\n".join(problems))
