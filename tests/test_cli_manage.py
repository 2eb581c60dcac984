"""`clientela manage` and `clientela worker` with --data-dir, and their refusal when the
SQLite database has not been set up: one line on stderr, exit 1, no file left behind."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clientela.cli import CliError, split_data_dir

CLIENTELA = [sys.executable, "-m", "clientela.cli"]


def run(args, home: Path, data_dir: Path | None = None, **variables):
    """The real command line, with only the environment a user would have."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTELA_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["HOME"] = str(home)
    if data_dir is not None:
        env["CLIENTELA_DATA_DIR"] = str(data_dir)
    env.update(variables)
    return subprocess.run(CLIENTELA + args, env=env, capture_output=True, text=True, timeout=120)


def assert_refused_cleanly(result, database: Path):
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "clientela manage migrate" in result.stderr
    assert not database.exists()


@pytest.fixture
def migrated(tmp_path) -> Path:
    data = tmp_path / "data"
    result = run(["manage", "migrate", "-v", "0", "--data-dir", str(data)], tmp_path)
    assert result.returncode == 0, result.stderr
    return data


@pytest.mark.parametrize("where", ["before", "after"])
def test_manage_takes_data_dir_before_or_after_the_command(migrated, tmp_path, where):
    args = ["api_token", "nobody"]
    option = ["--data-dir", str(migrated)]
    result = run(["manage", *(option + args if where == "before" else args + option)], tmp_path)

    # The command reached the database of that data dir: it looked the user up.
    assert result.returncode == 1
    assert "No user named 'nobody'." in result.stderr


def test_manage_data_dir_with_an_equals_sign(migrated, tmp_path):
    result = run(["manage", "showmigrations", "accounts", f"--data-dir={migrated}"], tmp_path)

    assert result.returncode == 0, result.stderr
    assert "[X] 0001_initial" in result.stdout


def test_without_a_data_dir_the_default_folder_is_not_filled_with_an_empty_database(tmp_path):
    result = run(["manage", "api_token", "admin"], tmp_path)

    default = tmp_path / ".local" / "share" / "clientela" / "clientela.sqlite3"
    assert_refused_cleanly(result, default)
    assert str(default) in result.stderr
    assert "no such table" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["manage", "api_token", "admin"],
        ["manage", "shell", "-c", "print(1)"],
        ["manage", "backup", "x"],
    ],
)
def test_commands_that_need_the_database_refuse_an_empty_data_dir(tmp_path, args):
    data = tmp_path / "empty"

    result = run([*args, "--data-dir", str(data)], tmp_path)

    assert_refused_cleanly(result, data / "clientela.sqlite3")


def test_an_empty_database_file_is_refused_too(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "clientela.sqlite3").touch()  # what earlier versions left behind

    result = run(["manage", "api_token", "admin"], tmp_path, data_dir=data)

    assert result.returncode == 1
    assert "has not been set up" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_worker_refuses_an_empty_data_dir(tmp_path):
    data = tmp_path / "empty"

    result = run(["worker", "--once", "--data-dir", str(data)], tmp_path)

    assert result.returncode == 1
    assert result.stderr.startswith("clientela worker: error: there is no Clientela database")
    assert "Traceback" not in result.stderr
    assert not (data / "clientela.sqlite3").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["help"],
        ["check"],
        ["makemigrations", "--check", "--dry-run"],
        ["--version"],
    ],
)
def test_commands_that_need_no_database_run_and_leave_no_database_behind(tmp_path, args):
    data = tmp_path / "empty"

    result = run(["manage", *args, "--data-dir", str(data)], tmp_path)

    assert result.returncode == 0, result.stderr
    assert not (data / "clientela.sqlite3").exists()


def test_migrate_sets_the_database_up(migrated):
    assert (migrated / "clientela.sqlite3").stat().st_size > 0


def test_a_command_failing_on_the_database_says_so_in_one_line(tmp_path):
    data = tmp_path / "data"
    half = run(["manage", "migrate", "accounts", "-v", "0", "--data-dir", str(data)], tmp_path)
    assert half.returncode == 0, half.stderr
    # Half migrated (as after an upgrade without migrate): the parties tables are missing.
    code = "from clientela.parties.models import Party; print(Party.objects.count())"

    result = run(["manage", "shell", "-c", code, "--data-dir", str(data)], tmp_path)

    assert result.returncode == 1
    assert "database error: no such table: parties_party" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "data_dir", "rest"),
    [
        (["migrate", "--data-dir", "/d"], "/d", ["migrate"]),
        (["--data-dir=/d", "migrate", "-v", "0"], "/d", ["migrate", "-v", "0"]),
        (
            ["shell", "-c", "x", "--", "--data-dir", "/d"],
            None,
            ["shell", "-c", "x", "--", "--data-dir", "/d"],
        ),
        (["help"], None, ["help"]),
    ],
)
def test_split_data_dir(args, data_dir, rest):
    assert split_data_dir(args) == (data_dir, rest)


@pytest.mark.parametrize("args", [["migrate", "--data-dir"], ["--data-dir=", "migrate"]])
def test_a_data_dir_option_without_a_folder_is_refused(args):
    with pytest.raises(CliError, match="--data-dir needs a folder"):
        split_data_dir(args)


# --- a refused command leaves no trace -------------------------------------------------


def everything_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.fixture
def home(tmp_path) -> Path:
    """An empty home folder, apart from the test's own files."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


def test_a_refused_command_creates_no_default_data_dir(home):
    result = run(["manage", "api_token", "admin"], home)

    assert result.returncode == 1
    assert "clientela manage migrate" in result.stderr
    assert everything_under(home) == []  # not even ~/.local


def test_a_refused_command_leaves_the_existing_parents_of_the_default_data_dir(home):
    share = home / ".local" / "share"
    share.mkdir(parents=True)

    result = run(["manage", "shell", "-c", "print(1)"], home)

    assert result.returncode == 1
    assert everything_under(home) == [".local", ".local/share"]


def test_a_refused_command_leaves_a_given_data_dir_as_it_was(home, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "secret_key").write_text("the old key")
    (kept / "notes.txt").write_text("mine")

    for data in (empty, kept):
        result = run(["manage", "api_token", "admin", "--data-dir", str(data)], home)
        assert result.returncode == 1

    assert everything_under(empty) == []
    assert everything_under(kept) == ["notes.txt", "secret_key"]
    assert (kept / "secret_key").read_text() == "the old key"
    assert everything_under(home) == []


def test_a_refused_worker_leaves_no_trace(home, tmp_path):
    data = tmp_path / "new" / "data"

    result = run(["worker", "--once", "--data-dir", str(data)], home)

    assert result.returncode == 1
    assert not (tmp_path / "new").exists()
    assert everything_under(home) == []


def test_a_bad_configuration_leaves_no_trace(home):
    result = run(["manage", "check"], home, CLIENTELA_TRUSTED_PROXIES="*")

    assert result.returncode == 1
    assert "bad configuration" in result.stderr
    assert everything_under(home) == []


def test_a_command_that_ran_keeps_its_data_dir(home):
    result = run(["manage", "check"], home)

    assert result.returncode == 0, result.stderr
    data = home / ".local" / "share" / "clientela"
    assert {"secret_key", "static"} <= set(everything_under(data))
