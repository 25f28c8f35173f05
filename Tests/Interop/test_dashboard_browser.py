"""The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, driven by selenium):
cards equal the API, every chart draws, the top-10 table matches, a new transaction shows without a reload,
and a hostile string from an event renders as text."""

import datetime
import json
import os
import pathlib
import re
import shutil
import time

import pytest

from stream_support import produce
from web_support import LiveDashboard, get, wait_until

XSS = "<img src=x onerror=alert(1)>"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def record(transaction_id, amount, city="Rabat"):
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return json.dumps({
        "transaction_id": transaction_id, "user_id": "USER_555", "city": city, "category": "Electronics",
        "amount": amount, "quantity": 1, "payment_method": "Credit Card", "timestamp": now.isoformat(),
    }).encode()


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800",
                     "--disable-gpu"]:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)


def screenshot(driver, tmp_path, name):
    """Saves the page as `name` in tmp_path, and in $SOUK_SCREENSHOT_DIR when set; returns the path kept."""
    shot = tmp_path / name
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("SOUK_SCREENSHOT_DIR"):
        out = pathlib.Path(os.environ["SOUK_SCREENSHOT_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        shot = pathlib.Path(shutil.copy(shot, out / name))
    return shot


def number(text):
    """The number a card shows: thousands separators and currency signs removed."""
    return float(re.sub(r"[^0-9.\-]", "", text.replace(",", "")))


@pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                    reason="chromium and chromium-driver are installed by make setup")
def test_the_dashboard_draws_live_data_in_a_real_browser(tmp_path):
    with LiveDashboard(tmp_path, 300) as live:
        port, broker = live.port, live.broker
        # The hostile record has the largest amount there can be, so it is in the top-10 table too.
        produce(broker.bootstrap, [record("xss-record", 500.0, city=XSS)], partitions=2)
        wait_until(lambda: get(port, "/api/stats")[2]["transactions"] == 301, message="301 transactions live")
        driver = browser()
        try:
            check_dashboard(driver, port, broker, tmp_path)
        finally:
            driver.quit()


def check_dashboard(driver, port, broker, tmp_path):
    """Cards, charts, the top-10 table, a live change and the hostile string, in the loaded page."""
    driver.get(f"http://127.0.0.1:{port}/")
    card = lambda name: driver.find_element("id", f"card-{name}").text  # noqa: E731
    wait_until(lambda: card("transactions") and number(card("transactions")) == 301, timeout=30,
               message="the transactions card shows 301")
    stats = get(port, "/api/stats")[2]
    assert number(card("transactions")) == stats["transactions"]
    assert number(card("users")) == stats["unique_users"]
    assert abs(number(card("revenue")) - stats["revenue"]) < 0.01
    assert abs(number(card("average")) - stats["average_amount"]) < 0.01

    # Every chart drew something: some canvas pixels are not blank.
    for canvas in ["chart-categories", "chart-cities", "chart-payments", "chart-timeseries"]:
        painted = driver.execute_script(
            """const c = document.getElementById(arguments[0]);
               const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
               let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++; return n;""", canvas)
        assert painted > 100, (canvas, painted)

    # The top-10 table holds the API's ten, in order, with all eight fields.
    top = get(port, "/api/transactions/top?n=10")[2]
    rows = wait_until(lambda: (lambda r: r if len(r) == 10 else None)(
        driver.find_elements("css selector", "#top-transactions tbody tr")), message="ten rows")
    cells = [[td.text for td in row.find_elements("tag name", "td")] for row in rows]
    assert [c[0] for c in cells] == [t["transaction_id"] for t in top]
    assert all(len(c) >= 8 for c in cells)
    # The hostile city is shown as its characters and ran nothing.
    assert cells[0][2] == XSS
    assert driver.find_elements("css selector", "img[src='x']") == []
    from selenium.common.exceptions import NoAlertPresentException
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text

    # A new transaction changes the cards without a reload, within 2 s.
    marker = driver.execute_script("window.__soukMarker = 1; return window.__soukMarker;")
    produce(broker.bootstrap, [record("one-more", 12.5)], partitions=2)
    sent = time.monotonic()
    wait_until(lambda: number(card("transactions")) == 302, timeout=10, interval=0.05,
               message="the card shows 302")
    assert time.monotonic() - sent < 2.0
    assert driver.execute_script("return window.__soukMarker;") == marker, "the page was not reloaded"

    print(f"screenshot: {screenshot(driver, tmp_path, 'dashboard-hostile-city.png')}")


@pytest.mark.skipif(not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)),
                    reason="chromium and chromium-driver are installed by make setup")
def test_the_demo_dashboard_fills_up_in_a_real_browser(tmp_path):
    """What a newcomer sees: `souk demo` with its own generator, the page in Chromium, cards equal to the
    API and growing. Its screenshot is the README's (SOUK_SCREENSHOT_DIR=docs keeps it)."""
    import subprocess

    from conftest import souk_binary
    from web_support import free_port

    port = free_port()
    seconds = int(os.environ.get("SOUK_SCREENSHOT_SECONDS", "20"))
    demo = subprocess.Popen(
        [str(souk_binary()), "demo", "--data-dir", str(tmp_path / "data"), "--broker-port", "0", "--web-port",
         str(port), "--rate", "300"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    driver = None
    try:
        # The URL is printed once the server is bound (before or after the banner: two services start at once).
        while not (line := demo.stdout.readline()).startswith("Dashboard: "):
            assert line, "the demo ended before printing its URL"
        assert line.strip() == f"Dashboard: http://127.0.0.1:{port}"
        assert get(port, "/")[0] == 200
        wait_until(lambda: get(port, "/api/stats")[2]["transactions"] > 0, timeout=60, message="transactions")
        driver = browser()
        driver.get(f"http://127.0.0.1:{port}/")
        card = lambda name: driver.find_element("id", f"card-{name}").text  # noqa: E731
        wait_until(lambda: card("transactions") and number(card("transactions")) > 0, timeout=30,
                   message="the transactions card")
        first = number(card("transactions"))
        # Let the demo run about `seconds` at its 300/s (the screenshot shows that much data).
        wait_until(lambda: get(port, "/api/stats")[2]["transactions"] >= first + 280 * seconds,
                   timeout=3 * seconds + 30, message=f"about {seconds} s of transactions")
        # The cards went on growing without a reload, and show what the API serves.
        wait_until(lambda: number(card("transactions")) > first + 100, timeout=30, message="the cards growing")
        shown = number(card("transactions"))
        stats = get(port, "/api/stats")[2]
        assert shown <= stats["transactions"] <= shown + 300 * 3, (shown, stats)
        assert number(card("users")) <= 900
        screenshot(driver, tmp_path, "dashboard.png")
    finally:
        if driver:
            driver.quit()
        demo.terminate()
        demo.wait(90)
    assert demo.returncode == 0
