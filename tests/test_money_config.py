import pytest

from kiosk import money
from kiosk.config import Config, ConfigError, load_config, parse_config


@pytest.mark.parametrize(
    "fen, text",
    [
        (0, "0.00元"),
        (5, "0.05元"),
        (1234550, "12,345.50元"),
        (-199, "-1.99元"),
        (16_000_000, "160,000.00元"),
    ],
)
def test_yuan_is_exact(fen, text):
    assert money.yuan(fen) == text


@pytest.mark.parametrize(
    "fen, text",
    [
        (999_999, "9,999.99元"),
        (1_000_000, "1.00万元"),
        (15_800_000, "15.80万元"),
        (12_345_678, "12.35万元"),
        (12_344_999, "12.34万元"),
    ],
)
def test_yuan_short_rounds_half_up_in_wan(fen, text):
    assert money.yuan_short(fen) == text


def test_missing_config_file_means_demo(tmp_path):
    config = load_config(tmp_path / "absent.toml")
    assert config == Config() and not config.uses_platform


def test_config_file_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        '[terminal]\nid = "LD-0042"\n[feed]\nplatform = "https://p.example.cn/feeds/431322106201"\n'
        'village = "431322106201"\n[records]\nover_budget_threshold_pct = 15\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.terminal.id == "LD-0042"
    assert config.uses_platform
    assert config.records.over_budget_threshold_pct == 15


@pytest.mark.parametrize(
    "text, where",
    [
        ('[feed]\nvillage = "4313"', "$.feed.village"),
        ("[display]\nidle_reset_s = 1", "$.display.idle_reset_s"),
        ('[feed]\nplatfrom = "x"', "platfrom"),
        ("[feed\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_field(text, where):
    with pytest.raises(ConfigError) as info:
        parse_config(text, "config.toml")
    assert where in str(info.value) and "config.toml" in str(info.value)
