"""The HTML stepping page: self-contained, and tested in a real headless browser when one exists."""

import re
import shutil

import pytest

import chainrule as torch


def _page(svg=None):
    x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
    y = torch.sin(torch.cos(x.norm() ** 2 + 1))
    d = torch.explain(y, lang="en")
    return d, d.to_html() if svg is None else d.to_html(svg=svg)


def test_page_is_self_contained():
    _, html = _page()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
    assert 'id="next"' in html and 'id="back"' in html
    assert "Step 1: y = sin(v4)   [SinBackward0]" in html


def test_page_without_graphviz(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    _, html = _page()
    assert "apt-get install graphviz" in html
    assert "<svg" not in html


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_page_inlines_svg():
    _, html = _page()
    assert "<svg" in html and "<?xml" not in html
    assert 'id="n0"' in html


def _driver():
    webdriver = pytest.importorskip("selenium.webdriver")
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    drv = shutil.which("chromedriver")
    if chrome is None or drv is None:
        pytest.skip("no chromium + chromedriver installed")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = chrome
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        return webdriver.Chrome(service=Service(drv), options=opts)
    except Exception as exc:  # noqa: BLE001 - a broken browser install is a skip, not a failure
        pytest.skip(f"cannot start headless chromium: {exc}")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_stepping_in_headless_browser(tmp_path):
    _, html = _page()
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    driver = _driver()
    try:
        driver.get(p.as_uri())
        by = pytest.importorskip("selenium.webdriver.common.by").By
        logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert logs == []
        body = driver.find_element(by.TAG_NAME, "body")
        assert body.get_attribute("data-step") == "0"
        assert driver.find_elements(by.CSS_SELECTOR, ".hl") == []
        nxt = driver.find_element(by.ID, "next")
        nxt.click()  # backward pass header
        nxt.click()  # step 1: SinBackward0
        assert body.get_attribute("data-step") == "2"
        hl = [e.get_attribute("id") for e in driver.find_elements(by.CSS_SELECTOR, ".hl")]
        assert hl == ["n5", "n4_n5"]
        nxt.click()
        hl2 = [e.get_attribute("id") for e in driver.find_elements(by.CSS_SELECTOR, ".hl")]
        assert hl2 == ["n4", "n3_n4"]
        active = driver.find_element(by.CSS_SELECTOR, ".step.active h2").text
        assert "CosBackward0" in active
        driver.find_element(by.ID, "back").click()
        assert body.get_attribute("data-step") == "2"
        assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
    finally:
        driver.quit()
