// Issue 17: accessible names match the visible text (WCAG 2.5.3, label in name), so that a person who reads a
// control's label can say it to speech input, and a screen reader names what the eye sees.
import type { Page } from '@playwright/test';

/**
 * Every visible control named by aria-label whose visible text is not in its name, as "name | visible text".
 * A button's visible text is its own; a form control's is its wrapping label's, the control itself left out.
 * A label may add an explanation after the name ("Static store URL (CDS layout)"); symbols alone (×, ‹) are exempt.
 */
export async function labelInNameMismatches(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const words = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const found: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [role="button"], [role="checkbox"], [role="tab"]');
    for (const control of controls) {
      const name = control.getAttribute('aria-label');
      if (name === null || !control.checkVisibility({ visibilityProperty: true })) continue;
      let visible: string;
      if (control.matches('input, select, textarea')) {
        const label = control.closest('label');
        if (label === null) continue;
        const copy = label.cloneNode(true) as HTMLElement;
        for (const inner of copy.querySelectorAll('input, select, textarea')) inner.remove();
        visible = copy.textContent ?? '';
      } else {
        visible = control.innerText;
      }
      const [said, seen] = [words(name), words(visible)];
      if (seen === '' || said.includes(seen) || seen.startsWith(said)) continue;
      found.push(`${name} | ${visible.trim()}`);
    }
    return found;
  });
}
