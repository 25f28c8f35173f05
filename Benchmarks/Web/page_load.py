"""Loads the dashboard in headless Chromium (Debian's chromium and chromium-driver) and prints the page
weight (every resource's transferred bytes) and the time from navigation start to the first chart with
painted pixels, median of 5 cold loads."""

import json
import statistics
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

PAINTED = """const c = document.getElementById('chart-categories');
if (!c) return false;
const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
return false;"""


def main():
    url = sys.argv[1]
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
        options.add_argument(argument)
    times, weights = [], []
    for _ in range(5):
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get(url)
            while not driver.execute_script(PAINTED):
                time.sleep(0.005)
            drawn = driver.execute_script("return performance.now();")
            times.append(drawn)
            weights.append(driver.execute_script(
                """const n = performance.getEntriesByType('navigation')[0];
                   return n.transferSize + performance.getEntriesByType('resource')
                       .filter(r => !r.name.includes('/api/stream'))
                       .reduce((s, r) => s + r.transferSize, 0);"""))
        finally:
            driver.quit()
    print(json.dumps({"first_chart_ms_median": round(statistics.median(times), 1),
                      "first_chart_ms_runs": [round(t, 1) for t in times],
                      "page_weight_bytes": int(statistics.median(weights))}, indent=1))


if __name__ == "__main__":
    main()
