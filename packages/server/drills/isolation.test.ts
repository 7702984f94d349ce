/** The isolation drill's leak detector, on answers written out here: it must see what a leaking server would send. */
import { describe, expect, it } from 'vitest';
import { ghostOf, leakOf } from './isolation.ts';

const victim = { ids: { customer_id: 'cus_06h4wg4bqaqx40s22k0h2v8e9r', invoice_id: 'inv_06h4wg4c0a8vbaftktt1vh3zg0' }, marks: ['b-test-c1@iso.example', 'Isolated b-test-c1'] };
const read = { method: 'GET', path: `/portal/v1/invoices/${victim.ids.invoice_id}`, namesVictim: true };
const list = { method: 'GET', path: '/portal/v1/invoices', namesVictim: false };

describe('leakOf', () => {
  it('passes a refusal that only echoes the id the request carried', () => {
    expect(leakOf(read, 404, `{"error":{"code":"not_found","message":"No invoice ${victim.ids.invoice_id}."}}`, victim)).toBeUndefined();
  });

  it("flags a 2xx to a request naming the other tenant's data", () => {
    expect(leakOf(read, 200, '{"invoice_id":"inv_x","total":900}', victim)).toMatch(/^200 to a request naming/);
  });

  it("flags any body showing the other tenant's id, email or name that the request did not carry", () => {
    expect(leakOf(list, 200, `{"items":[{"customer_id":"${victim.ids.customer_id}"}]}`, victim)).toBe("200 body shows the other tenant's customer_id");
    expect(leakOf(list, 200, '{"items":[{"email":"b-test-c1@iso.example"}]}', victim)).toBe("200 body shows the other tenant's mark");
    // Also in an error: an error naming data the caller never sent is a leak too.
    expect(leakOf(read, 404, `{"error":{"code":"not_found","message":"belongs to ${victim.ids.customer_id}"}}`, victim)).toBe("404 body shows the other tenant's customer_id");
    expect(leakOf(list, 200, '{"items":[]}', victim)).toBeUndefined();
  });

  it('passes a 2xx only when a ghost id of the same kind got the very same answer', () => {
    const validate = { method: 'POST', path: '/v1/licenses/validate', body: { license_key_instance_id: victim.ids.invoice_id }, namesVictim: true };
    const answer = '{"valid":false,"instance_valid":false}';
    expect(leakOf(validate, 200, answer, victim, { status: 200, text: answer })).toBeUndefined();
    expect(leakOf(validate, 200, '{"valid":true,"instance_valid":true}', victim, { status: 200, text: answer })).toMatch(/^200 to a request naming/);
    expect(leakOf(validate, 200, answer, victim, { status: 404, text: '{"error":{"code":"not_found","message":"No instance."}}' })).toMatch(/^200 to a request naming/);
  });

  it('makes ghosts of the same shape that name nothing', () => {
    expect(ghostOf('pay_06h4wg4bqaqx40s22k0h2v8e9r')).toBe('pay_00000000000000000000000000');
    expect(ghostOf('CAZ5F-Z8RQ4-Z9PDP')).toBe('CAZ5F-Z8RQ4-00000');
  });
});
