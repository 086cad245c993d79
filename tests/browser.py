"""Headless Debian Chromium driven through chromedriver (selenium), for rendering tests."""

import shutil

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)


def available() -> bool:
    return bool(CHROMIUM and CHROMEDRIVER)


def open_browser(width: int = 1280, height: int = 900):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


# the words of the claims table's short columns (printed, data, verdict, n) that the
# browser breaks across lines: each word's boxes on more than one line
BROKEN_WORDS = """
var broken = [];
document.querySelectorAll('table.claims tbody tr').forEach(function (row) {
  Array.from(row.cells).slice(1).forEach(function (cell) {
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), node;
    while ((node = walker.nextNode())) {
      var words = /[^\\s\\-\\u2013;,()]+/g, m;
      while ((m = words.exec(node.data))) {
        var range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        var tops = new Set(Array.from(range.getClientRects()).map(function (r) {
          return Math.round(r.top); }));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  });
});
return broken;
"""
