// The hold-music field's Check button: checkHoldMusic from this page (the package fetches as little
// of the file as it needs and reads its MP3 frames), and the result under the field: duration, size
// and format, or the issues. A browser can read a file on another site only if that server allows
// it (CORS); when it does not, the package says `unchecked`, shown as a warning, not an error.
// checkHoldMusic is its own module (daily-dialin/hold-music): the page loads it on the first Check.
import { init as initHoldMusic, checkHoldMusic } from 'daily-dialin/hold-music';
import { el } from './dom.js';
import { state } from './state.js';

/** Issues of the URL itself: the form's live validation already shows them next to the field. */
const URL_CODES = new Set(['invalid_url', 'not_public_url', 'insecure_url']);

const size = (n) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`);

/** "2.0 s · 16.1 KB · MPEG-1 Layer III, 64 kbps CBR, 44.1 kHz stereo" (what is known of it). */
export function describe(facts) {
  const parts = [];
  if (facts.durationSeconds !== null) parts.push(`${facts.durationExact ? '' : 'about '}${facts.durationSeconds.toFixed(1)} s`);
  if (facts.bytes !== null) parts.push(size(facts.bytes));
  if (facts.format) {
    const audio = [facts.format];
    if (facts.bitrateKbps) audio.push(`${facts.bitrateKbps} kbps ${facts.vbr ? 'VBR' : 'CBR'}`);
    if (facts.sampleRate) audio.push(`${facts.sampleRate / 1000} kHz ${facts.channels === 1 ? 'mono' : 'stereo'}`);
    parts.push(audio.join(', '));
  } else if (facts.looksLike) {
    parts.push(`not MP3 (${facts.looksLike})`);
  }
  return parts.join(' · ');
}

function issueItem(issue) {
  const severity = issue.severity === 'warning' ? 'warning' : 'error';
  const text = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
  return el('li', { class: severity, 'data-code': issue.code }, el('span', { class: 'tag', text: severity === 'error' ? 'Error: ' : 'Warning: ' }), text);
}

function render(result, r) {
  const shown = r.issues.filter((i) => !URL_CODES.has(i.code));
  if (!r.facts && shown.length === 0) {
    result.replaceChildren(el('p', { class: 'hint', text: 'Not checked: the URL itself has a problem (see above).' }));
    return;
  }
  const lines = [];
  if (r.facts) {
    const verdict = r.ok ? 'Plays as Daily wants it' : 'Daily cannot play it as it is';
    lines.push(el('p', { class: r.ok ? 'ok' : 'blocked', text: `${verdict}: ${describe(r.facts)}` }));
  }
  if (shown.length) lines.push(el('ul', { class: 'messages' }, shown.map(issueItem)));
  result.replaceChildren(...lines);
}

/**
 * The Check button of `input` (the hold-music field whose id is `id`), the button that fills in
 * the emulator's test file (shown in emulator mode only), and the area of the result.
 */
export function checkControls(input, id) {
  const result = el('div', { class: 'check-result', id: `${id}-check`, 'aria-live': 'polite' });
  const button = el('button', {
    type: 'button',
    class: 'check',
    id: `${id}-check-button`,
    'aria-describedby': `${id}-check`,
    text: 'Check',
    onclick: async () => {
      const url = input.value.trim();
      if (!url) {
        result.replaceChildren(el('p', { class: 'hint', text: 'Enter the URL of an MP3 file first.' }));
        return;
      }
      button.disabled = true;
      result.replaceChildren(el('p', { class: 'pending', text: 'Checking the file…' }));
      try {
        await initHoldMusic();
        render(result, await checkHoldMusic(url, { allowPrivateUrls: state.mode === 'emulator' }));
      } catch (e) {
        result.replaceChildren(el('p', { class: 'blocked', text: `The check failed: ${e?.message ?? e}` }));
      } finally {
        button.disabled = false;
      }
    },
  });
  const useTest = el('button', {
    type: 'button',
    class: 'link emulator-only',
    text: 'Use the emulator’s test file',
    onclick: () => {
      input.value = state.info.emulator.audio;
      input.dispatchEvent(new Event('input', { bubbles: true }));
      button.click();
    },
  });
  // A result is about the URL it checked: editing the URL clears it.
  input.addEventListener('input', () => {
    if (!button.disabled) result.replaceChildren();
  });
  return { button, useTest, result };
}
