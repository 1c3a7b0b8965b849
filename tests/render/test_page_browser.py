"""The run's web page in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
selenium. Each wait is a WebDriverWait on a condition of the page, never a sleep."""

import io
import json
import re
import subprocess
import tempfile

import numpy as np
import pytest
from PIL import Image
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1000")
BETA1, BETA2 = 0.9, 0.999
K = 7


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.TemporaryDirectory()
    for flag in (*FLAGS, f"--user-data-dir={profile.name}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # the driver's path is given, so selenium-manager never looks for (or downloads) one
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()
    profile.cleanup()


@pytest.fixture(scope="module")
def adam_run(tmp_path_factory):
    """One run of gd, as --json and as --html from the same invocation."""
    from typer.testing import CliRunner

    from gdcli.cli import app

    path = tmp_path_factory.mktemp("page") / "adam.html"
    result = CliRunner().invoke(app, ["solve", "x^2 + 4*y^2", "--start", "3,-2", "--optimizer", "adam",
                                      "--lr", "0.1", "--steps", "40", "--json", "--html", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), path


def numbers(text: str) -> list[float]:
    return [float(v) for v in re.findall(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?", text)]


def caption_says(t: int):
    return lambda driver: driver.find_element(By.CSS_SELECTOR, "#gd-state-0 .gd-t").text == f"t = {t}"


def inspector(driver) -> dict[str, str]:
    rows = driver.find_elements(By.CSS_SELECTOR, "#gd-state-0 tbody tr")
    return {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text for row in rows}


def value(rows: dict[str, str], start: str) -> list[float]:
    return numbers(next(v for label, v in rows.items() if label.startswith(start)))


def adam_state(iterates: list[dict], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Adam's m_k and v_k written out from the recorded gradients: Σ_{j<k} (1 − β)·β^(k−1−j)·g_j (and g_j²)."""
    g = np.array([row["grad"] for row in iterates[:k]])
    weights1 = np.array([(1 - BETA1) * BETA1 ** (k - 1 - j) for j in range(k)])
    weights2 = np.array([(1 - BETA2) * BETA2 ** (k - 1 - j) for j in range(k)])
    return weights1 @ g, weights2 @ g**2


def errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.slow
def test_next_step_k_times_shows_the_runs_iterate_and_adams_state(browser, adam_run):
    document, path = adam_run
    browser.get(path.as_uri())
    WebDriverWait(browser, 30).until(caption_says(0))
    button = browser.find_element(By.CSS_SELECTOR, 'button[aria-label="next step"]')
    for _ in range(K):
        button.click()
    WebDriverWait(browser, 30).until(caption_says(K))
    rows = inspector(browser)
    expected = document["iterates"][K]
    assert value(rows, "x") == pytest.approx(expected["x"], rel=1e-4)
    assert value(rows, "f(")[0] == pytest.approx(expected["f"], rel=1e-5)
    m, v = adam_state(document["iterates"], K)
    assert value(rows, "m ←") == pytest.approx(list(m), rel=1e-4)
    assert value(rows, "v ←") == pytest.approx(list(v), rel=1e-4)
    assert value(rows, "m̂ ←") == pytest.approx(list(m / (1 - BETA1**K)), rel=1e-4)
    current = browser.find_element(By.CSS_SELECTOR, '#gd-iterates-0 tr[aria-current="true"]')
    assert current.text.startswith(f"▶ {K} ")
    assert browser.find_element(By.ID, "gd-slider").get_attribute("value") == str(K)
    assert errors(browser) == []
    # nothing was fetched: every resource the page used is inside it
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [name for name in fetched if not name.startswith("data:")] == []


@pytest.mark.slow
def test_the_address_opens_the_page_at_step_k(browser, adam_run):
    document, path = adam_run
    browser.get(path.as_uri() + "#t=12")
    WebDriverWait(browser, 30).until(caption_says(12))
    assert value(inspector(browser), "x") == pytest.approx(document["iterates"][12]["x"], rel=1e-4)
    assert browser.find_element(By.ID, "gd-link").get_attribute("href").endswith("#t=12")
    assert errors(browser) == []


@pytest.mark.slow
def test_keys_step_and_play(browser, adam_run):
    _, path = adam_run
    browser.get(path.as_uri() + "#t=3")
    WebDriverWait(browser, 30).until(caption_says(3))
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_RIGHT)
    WebDriverWait(browser, 30).until(caption_says(4))
    body.send_keys(Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    WebDriverWait(browser, 30).until(caption_says(2))
    play = browser.find_element(By.CSS_SELECTOR, 'button[aria-label="play"]')
    body.send_keys(Keys.SPACE)
    WebDriverWait(browser, 30).until(lambda d: play.get_attribute("aria-pressed") == "true")
    browser.find_element(By.CSS_SELECTOR, 'button[aria-label="last step"]').click()
    WebDriverWait(browser, 30).until(caption_says(40))
    assert play.get_attribute("aria-pressed") == "false"  # playing stops at the end
    assert errors(browser) == []


@pytest.mark.slow
def test_the_page_is_drawn(browser, adam_run):
    _, path = adam_run
    browser.get(path.as_uri())
    WebDriverWait(browser, 30).until(caption_says(0))
    shot = Image.open(io.BytesIO(browser.get_screenshot_as_png())).convert("RGB")
    pixels = np.asarray(shot).reshape(-1, 3)
    # a blank page is one colour; the figure's contour map alone brings hundreds
    assert len(np.unique(pixels, axis=0)) > 200
    assert browser.find_element(By.CSS_SELECTOR, '.gd-point[data-panel="0"]').is_displayed()


@pytest.mark.slow
def test_the_page_fits_a_phone(browser, adam_run):
    _, path = adam_run
    browser.set_window_size(400, 900)
    try:
        browser.get(path.as_uri())
        WebDriverWait(browser, 30).until(caption_says(0))
        width = browser.execute_script("return document.documentElement.clientWidth")
        scroll = browser.execute_script("return document.documentElement.scrollWidth")
        assert scroll <= width  # nothing sticks out sideways
    finally:
        browser.set_window_size(1280, 1000)


def test_chromium_is_installed():
    # the slow tests need it; .ci/run installs it when missing
    assert subprocess.run([CHROMEDRIVER, "--version"], capture_output=True).returncode == 0
