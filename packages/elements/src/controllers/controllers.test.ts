import { expect, fixture, html as fixtureHtml, waitUntil } from '@open-wc/testing';
import { LitElement, html, nothing } from 'lit';
import { sendKeys } from '@web/test-runner-commands';
import { PortalApiError } from '@dodo-portal/wire/client';
import { DialogController } from './dialog.ts';
import { SessionController } from './session.ts';
import { SubmitController } from './submit.ts';
import { Task, TaskStatus, initialState } from './task.ts';

/** A host with one dialog, as the sections use it: rows with an opening button each. */
class DialogHost extends LitElement {
  readonly portal = new SessionController(this);
  readonly dialog = new DialogController<string>(this, this.portal, {
    fallback: () => this.renderRoot.querySelector<HTMLElement>('#fallback'),
  });
  rows = ['a', 'b'];

  override render() {
    return html`${this.rows.map((row) => html`<button id="open-${row}" @click=${(event: Event) => this.dialog.open(row, event.currentTarget)}>Open ${row}</button>`)}
      <button id="fallback">Fallback</button>
      ${
        this.dialog.value === null
          ? nothing
          : html`<dialog @close=${this.dialog.close}><p>${this.dialog.value}</p><button id="inside" autofocus @click=${() => this.dialog.close()}>Close</button></dialog>`
      }`;
  }
}
customElements.define('test-dialog-host', DialogHost);

const inShadow = (host: DialogHost, selector: string) => host.shadowRoot!.querySelector<HTMLElement>(selector)!;
const focused = (host: DialogHost) => host.shadowRoot!.activeElement;

describe('DialogController', () => {
  it('opens modal, keeps focus inside, and returns focus to the opening button on Escape', async () => {
    const host = await fixture<DialogHost>(fixtureHtml`<test-dialog-host></test-dialog-host>`);
    inShadow(host, '#open-b').click();
    await host.updateComplete;
    const dialog = host.shadowRoot!.querySelector('dialog')!;
    expect(dialog.matches(':modal'), 'shown with showModal()').to.equal(true);
    expect(focused(host)).to.equal(inShadow(host, '#inside'));
    // The page behind a modal dialog is inert: the opening button cannot take focus.
    inShadow(host, '#open-a').focus();
    expect(focused(host)).to.not.equal(inShadow(host, '#open-a'));
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => host.dialog.value === null && focused(host) === inShadow(host, '#open-b'), 'focus did not return to the opener');
    expect(host.shadowRoot!.querySelector('dialog')).to.equal(null);
  });

  it('sends focus to the fallback when the opening button is gone, or when told its button is stale', async () => {
    const host = await fixture<DialogHost>(fixtureHtml`<test-dialog-host></test-dialog-host>`);
    inShadow(host, '#open-a').click();
    await host.updateComplete;
    host.rows = [];
    host.requestUpdate();
    await host.updateComplete;
    inShadow(host, '#inside').click();
    await waitUntil(() => focused(host) === inShadow(host, '#fallback'), 'the removed opener left focus nowhere');

    host.rows = ['b'];
    host.requestUpdate();
    await host.updateComplete;

    inShadow(host, '#open-b').click();
    await host.updateComplete;
    await host.dialog.close(true);
    expect(focused(host)).to.equal(inShadow(host, '#fallback'));
  });
});

class SubmitHost extends LitElement {
  readonly submit = new SubmitController(this);
  override render() {
    return html`${this.submit.busy ? 'busy' : 'idle'}`;
  }
}
customElements.define('test-submit-host', SubmitHost);

describe('SubmitController', () => {
  const fail = (error: unknown) => () => Promise.reject(error);

  it('reuses the key to retry after no answer, a 5xx or idempotency_key_in_progress, and takes a new one after success', async () => {
    const host = await fixture<SubmitHost>(fixtureHtml`<test-submit-host></test-submit-host>`);
    const keys: string[] = [];
    const record = (next: () => Promise<string>) => (key: string) => (keys.push(key), next());
    for (const error of [
      new TypeError('Failed to fetch'),
      new PortalApiError(0, 'network_error', 'offline'),
      new PortalApiError(503, 'unavailable', 'down'),
      new PortalApiError(409, 'idempotency_key_in_progress', 'busy'),
    ]) {
      await host.submit.run(record(fail(error))).catch(() => undefined);
    }
    expect(await host.submit.run(record(() => Promise.resolve('paid')))).to.equal('paid');
    await host.submit.run(record(() => Promise.resolve('again')));
    expect(new Set(keys.slice(0, 5)).size, 'one key for the intent and its retries').to.equal(1);
    expect(keys[5]).to.not.equal(keys[0]);
    expect(keys[0]).to.match(/^[0-9a-f-]{32,36}$/);
  });

  it('takes a new key after a final answer or a new intent, and sends nothing while busy', async () => {
    const host = await fixture<SubmitHost>(fixtureHtml`<test-submit-host></test-submit-host>`);
    const keys: string[] = [];
    await host.submit.run((key) => (keys.push(key), Promise.reject(new PortalApiError(402, 'payment_failed', 'declined')))).catch(() => undefined);
    await host.submit.run((key) => (keys.push(key), Promise.reject(new TypeError('offline')))).catch(() => undefined);
    host.submit.reset();
    let release!: () => void;
    const first = host.submit.run((key) => (keys.push(key), new Promise<void>((resolve) => (release = resolve))));
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.include('busy');
    expect(await host.submit.run(() => Promise.resolve('twice')), 'a second click sends nothing').to.equal(undefined);
    release();
    await first;
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.include('idle');
    expect(new Set(keys).size, 'declined, then a new intent: three keys').to.equal(3);
  });
});

/** A host whose task echoes its input after the test resolves the call. */
class TaskHost extends LitElement {
  input: string | null = 'a';
  readonly calls: { args: readonly unknown[]; signal: AbortSignal; settle: (value: string | typeof initialState | Error) => void }[] = [];
  readonly task = new Task(this, {
    task: ([input], { signal }) =>
      new Promise<string | typeof initialState>((resolve, reject) => {
        this.calls.push({ args: [input], signal, settle: (value) => (value instanceof Error ? reject(value) : resolve(value)) });
      }),
    args: () => [this.input] as const,
  });

  override render() {
    return html`${this.task.render({ initial: () => 'initial', pending: () => 'pending', complete: (value) => `complete ${value}`, error: () => 'error' })}`;
  }
}
customElements.define('test-task-host', TaskHost);

describe('Task', () => {
  it('runs when its args change, aborts and ignores the run it supersedes, and renders each status', async () => {
    const host = await fixture<TaskHost>(fixtureHtml`<test-task-host></test-task-host>`);
    expect(host.calls.length).to.equal(1);
    expect(host.task.status).to.equal(TaskStatus.PENDING);
    host.requestUpdate();
    await host.updateComplete;
    expect(host.calls.length, 'the same args do not rerun').to.equal(1);

    host.input = 'b';
    host.requestUpdate();
    await host.updateComplete;
    const [first, second] = host.calls;
    expect(first!.signal.aborted, 'the superseded run is aborted').to.equal(true);
    first!.settle('a');
    second!.settle('b');
    await waitUntil(() => host.task.status === TaskStatus.COMPLETE);
    await host.updateComplete;
    expect(host.task.value).to.equal('b');
    expect(host.shadowRoot!.textContent).to.contain('complete b');
    expect(second!.signal.aborted, 'a finished run is not aborted by the next').to.equal(false);

    void host.task.run();
    host.calls[2]!.settle(new Error('down'));
    await waitUntil(() => host.task.status === TaskStatus.ERROR);
    expect(host.task.value, 'an error clears the value').to.equal(undefined);
    expect((host.task.error as Error).message).to.equal('down');
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.contain('error');
    expect(second!.signal.aborted).to.equal(false);

    host.input = null;
    host.requestUpdate();
    await host.updateComplete;
    host.calls[3]!.settle(initialState);
    await waitUntil(() => host.task.status === TaskStatus.INITIAL);
    await host.updateComplete;
    expect(host.shadowRoot!.textContent).to.contain('initial');
  });
});
