from tests.conftest import Run


def test_log_then_list(run: Run) -> None:
    assert run("log", "--muscle", "calf").exit_code == 0
    listed = run("list", "--format", "csv")
    assert listed.exit_code == 0
    assert ",calf," in listed.stdout
