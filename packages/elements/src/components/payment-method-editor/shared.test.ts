// What every part of the editor relies on: one write at a time, and a failure said once, in the
// right words, with focus on it — or handed to the portal when the session is over.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement, type TemplateResult } from 'lit';
import { PortalApiError, type PortalClient } from '@dodo-portal/wire/client';
import { shadow } from '../../test/harness.ts';
import { Feedback, type Portal } from './shared.ts';

class FeedbackHost extends LitElement {
  ended: unknown[] = [];
  refreshed = 0;
  portal: Portal = { client: () => ({}) as PortalClient, testMode: () => true, locale: () => 'en', sessionEnded: (error) => this.ended.push(error) };
  feedback = new Feedback(this, this.portal, () => (this.refreshed += 1));

  override render(): TemplateResult {
    return html`<p class="busy">${this.feedback.busy ? 'busy' : 'idle'}</p>
      ${this.feedback.render()}`;
  }
}
customElements.define('test-editor-feedback', FeedbackHost);

const mount = () => fixture<FeedbackHost>(html`<test-editor-feedback></test-editor-feedback>`);
const text = (host: Element, selector: string) => (shadow(host).querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('Feedback', () => {
  it('runs one write at a time: a second one while the first is in flight does nothing', async () => {
    const host = await mount();
    let finish!: () => void;
    const runs: string[] = [];
    const first = host.feedback.write(() => new Promise<void>((resolve) => ((finish = resolve), runs.push('first'))));
    await host.updateComplete;
    expect(text(host, '.busy')).to.equal('busy');
    await host.feedback.write(async () => void runs.push('second'));
    finish();
    await first;
    await host.updateComplete;
    expect(runs).to.deep.equal(['first']);
    expect(text(host, '.busy')).to.equal('idle');
  });

  it('frees the next write when one throws', async () => {
    const host = await mount();
    await host.feedback.write(() => Promise.reject(new Error('boom'))).catch(() => undefined);
    const runs: string[] = [];
    await host.feedback.write(async () => void runs.push('next'));
    expect(runs).to.deep.equal(['next']);
  });

  it('runs no write without a client', async () => {
    const host = await mount();
    host.portal.client = () => undefined;
    const runs: string[] = [];
    await host.feedback.write(async () => void runs.push('write'));
    expect(runs).to.deep.equal([]);
  });

  it('says a card in use, and any other failure, in their words', async () => {
    const host = await mount();
    host.feedback.fail(new PortalApiError(409, 'payment_method_in_use', 'in use'));
    await host.updateComplete;
    expect(text(host, '.message__title')).to.equal('This card pays for an active subscription.');
    host.feedback.fail(new TypeError('boom'));
    await host.updateComplete;
    expect(text(host, '.message__title')).to.equal('Something went wrong. Please try again.');
    expect(shadow(host).querySelector('.message__body')).to.equal(null);
  });

  it('says a call that never reached the server as a network problem, focused', async () => {
    const host = await mount();
    host.feedback.fail(new PortalApiError(0, 'network_error', 'offline'));
    await host.feedback.focusOn('.nothing-else');
    expect(text(host, '[role="alert"] .message__title')).to.equal('We could not reach the server.');
    expect(shadow(host).activeElement?.classList.contains('problem')).to.equal(true);
  });

  it('says a decline with its reason, and a charge in progress with a Refresh that reads again', async () => {
    const host = await mount();
    host.feedback.fail(new PortalApiError(402, 'payment_failed', 'declined', 'insufficient_funds'));
    await host.updateComplete;
    expect(text(host, '.message__title')).to.equal('The payment did not go through');
    expect(text(host, '.message__body')).to.contain('Nothing was charged.');
    host.feedback.fail(new PortalApiError(409, 'charge_in_progress', 'busy'));
    await host.updateComplete;
    (shadow(host).querySelector('.problem button') as HTMLButtonElement).click();
    expect(host.refreshed).to.equal(1);
  });

  it('hands an expired session to the portal and shows nothing itself; an aborted call says nothing', async () => {
    const host = await mount();
    const expired = new PortalApiError(401, 'session_expired', 'expired');
    host.feedback.fail(expired);
    host.feedback.fail(new DOMException('stale', 'AbortError'));
    await host.updateComplete;
    expect(host.ended).to.deep.equal([expired]);
    expect(shadow(host).querySelector('[role="alert"]')).to.equal(null);
  });
});
