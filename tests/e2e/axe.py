"""axe-core in the browser tests: every page a browser test visits must have no violations.

`axe.min.js` (tests/e2e/vendor/, MPL-2.0) is injected into the page under test. The product's
Content-Security-Policy allows no injected script, so the browser context is opened with
`bypass_csp=True`: in the tests only; the application and its headers are unchanged.

`AxeGuard` watches the page's top-level navigations and counts the ones it has checked, so a
test can assert at the end that it checked every page it visited (`assert_all_checked`).
"""

from pathlib import Path

AXE_JS = Path(__file__).with_name("vendor") / "axe.min.js"

# Every rule axe runs by default (WCAG 2.0/2.1/2.2 A and AA and axe's best practices, which
# include `region` and `heading-order`), reported as violations only.
RUN_AXE = """async () => {
  const results = await window.axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


class AccessibilityViolations(AssertionError):
    pass


def describe(url: str, title: str, violations: list[dict]) -> str:
    """A readable list: one line per rule (id, impact, what it checks) and the elements."""
    lines = [f"axe-core found {len(violations)} violation(s) on {url} ({title!r}):"]
    for violation in violations:
        lines.append(f"  - {violation['id']} [{violation['impact']}]: {violation['help']}")
        lines.extend(f"      {target}" for target in violation["targets"])
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """Inject axe-core (once per document) and run it over the whole page."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(RUN_AXE)


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    if violations:
        raise AccessibilityViolations(describe(page.url, page.title(), violations))


class AxeGuard:
    """Checks the current page with axe and makes sure no page goes unchecked.

    Every top-level navigation is noted; `check()` runs axe on the page the browser is on and
    fails if more than one page was reached since the last check (a page was skipped), and
    `assert_all_checked()` fails if the last page reached was never checked."""

    def __init__(self, page):
        self.page = page
        self.pending: list[str] = []
        self.pages: list[str] = []
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame and frame.url != "about:blank":
            self.pending.append(frame.url)

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        skipped, self.pending = self.pending[:-1], []
        assert not skipped, f"page(s) reached without an axe check: {skipped}"
        assert_accessible(self.page)
        self.pages.append(self.page.url)

    def assert_all_checked(self) -> None:
        assert not self.pending, f"page(s) reached after the last axe check: {self.pending}"
