/**
 * Renders the OpenAPI document as Markdown for docs/api-reference.md: one section per tag, each
 * operation with its auth, parameters, body fields, responses and error codes. Deterministic, so
 * a test can tell when the committed file is stale.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an untyped JSON document (OpenAPI) field by field
type Json = Record<string, any>;

const REF = '#/components/schemas/';
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const anchor = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');

const AUTH: Record<string, string> = {
  bearerAuth: 'Secret key (`Authorization: Bearer sk_test_…` or `sk_live_…`)',
  sessionToken: 'Portal session token (`Authorization: Bearer dps_…`)',
  unifiedToken: 'Unified-portal token (`Authorization: Bearer dpu_…`)',
};

/** A short type for a table: `string`, `integer`, `Customer`, `"a" \| "b"`, `BillingAddress \| null`, `string[]`. */
export function typeOf(schema: Json | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return String(schema.$ref).slice(REF.length);
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value: unknown) => JSON.stringify(value)).join(' | ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((inner: Json) => typeOf(inner)).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  if (schema.type === 'object' && !schema.properties && schema.additionalProperties) return `map of ${typeOf(schema.additionalProperties)}`;
  return schema.type ?? 'any';
}

function range(label: string, min: number | undefined, max: number | undefined, unit = ''): string[] {
  const low = min ? min : undefined;
  if (low !== undefined && max !== undefined) return [`${label}${low} to ${max}${unit}`];
  if (low !== undefined) return [`${label}≥ ${low}${unit}`];
  if (max !== undefined) return [`${label}≤ ${max}${unit}`];
  return [];
}

/** Constraints worth a reader's eye: range, length, default, format. */
function constraints(schema: Json): string {
  const parts: string[] = [];
  if (schema.format) parts.push(schema.format);
  // Money is a safe integer: its bounds say nothing a reader needs.
  const min = schema.minimum === Number.MIN_SAFE_INTEGER ? undefined : schema.minimum;
  const max = schema.maximum === Number.MAX_SAFE_INTEGER ? undefined : schema.maximum;
  if (min !== undefined && max !== undefined) parts.push(`${min} to ${max}`);
  else if (min !== undefined) parts.push(`≥ ${min}`);
  else if (max !== undefined) parts.push(`≤ ${max}`);
  parts.push(...range('length ', schema.minLength, schema.maxLength));
  parts.push(...range('', schema.minItems, schema.maxItems, ' items'));
  // Short patterns say the format best (`^[A-Z]{2}$`); long ones (emails, dates) are noise.
  if (schema.pattern && schema.pattern.length <= 40 && !schema.format) parts.push(`pattern \`${schema.pattern}\``);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join('; ');
}

function fieldsTable(schema: Json, schemas: Record<string, Json>): string[] {
  const resolved = schema.$ref ? schemas[String(schema.$ref).slice(REF.length)]! : schema;
  const variants: Json[] = resolved.anyOf ?? resolved.oneOf ?? [resolved];
  const lines: string[] = [];
  variants.forEach((variant, index) => {
    if (!variant.properties) return;
    if (variants.length > 1) lines.push(`${index === 0 ? 'Either' : 'Or'}:`, '');
    lines.push('| Field | Type | Required | Description |', '| --- | --- | --- | --- |');
    for (const [name, property] of Object.entries<Json>(variant.properties)) {
      const details = [property.description, constraints(property)].filter(Boolean).join(' — ');
      lines.push(`| \`${name}\` | ${cell(typeOf(property))} | ${(variant.required ?? []).includes(name) ? 'yes' : 'no'} | ${cell(details)} |`);
    }
    lines.push('');
  });
  return lines;
}

export function renderReference(doc: Json): string {
  const schemas: Record<string, Json> = doc.components.schemas;
  const byTag = new Map<string, { method: string; path: string; op: Json }[]>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const tag = op.tags?.[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const tagInfo = new Map<string, string | undefined>(doc.tags.map((tag: Json) => [tag.name, tag.description]));

  const out: string[] = [
    '# API reference',
    '',
    '<!-- Generated from the OpenAPI document (GET /openapi.json) by `pnpm docs:api`. Do not edit by hand. -->',
    '',
    String(doc.info.description),
    '',
    'The machine-readable document is served at `GET /openapi.json` (OpenAPI 3.1). Errors always have the shape of [`ErrorBody`](#errorbody): `{"error": {"code", "message", "decline_code"?, "issues"?, "login_url"?}}`.',
    '',
    '## Contents',
    '',
    ...[...byTag.keys()].map((tag) => `- [${tag}](#${anchor(tag)})`),
    '- [Webhooks](#webhooks)',
    '- [Schemas](#schemas)',
    '',
  ];

  for (const [tag, ops] of byTag) {
    out.push(`## ${tag}`, '');
    const description = tagInfo.get(tag);
    if (description) out.push(description, '');
    for (const { method, path, op } of ops) {
      out.push(`### \`${method.toUpperCase()} ${path}\``, '', `**${op.summary}**`, '');
      if (op.description) out.push(op.description, '');
      const auth = (op.security as Json[])
        .map((requirement) =>
          Object.keys(requirement)
            .map((name) => AUTH[name] ?? name)
            .join(' + '),
        )
        .join(' or ');
      out.push(`Auth: ${auth || 'none'}`, '');
      if (op.parameters?.length) {
        out.push('| Parameter | In | Type | Required | Description |', '| --- | --- | --- | --- | --- |');
        for (const parameter of op.parameters as Json[]) {
          const details = [parameter.description, constraints(parameter.schema)].filter(Boolean).join(' — ');
          out.push(`| \`${parameter.name}\` | ${parameter.in} | ${cell(typeOf(parameter.schema))} | ${parameter.required ? 'yes' : 'no'} | ${cell(details)} |`);
        }
        out.push('');
      }
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) {
        out.push(`Request body${op.requestBody.required ? '' : ' (optional: an empty body is `{}`)'}: [\`${typeOf(body)}\`](#${anchor(typeOf(body))})`, '');
        out.push(...fieldsTable(body, schemas));
      }
      out.push('| Status | Response |', '| --- | --- |');
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        const content = response.content ? (Object.values(response.content)[0] as Json) : undefined;
        const codes: string[] | undefined = response['x-error-codes'];
        const shape = content?.schema?.$ref ? `[\`${typeOf(content.schema)}\`](#${anchor(typeOf(content.schema))})` : content ? `\`${Object.keys(response.content)[0]}\`` : 'empty';
        const what = codes ? `${shape} — ${codes.map((code) => `\`${code}\``).join(', ')}` : `${shape} — ${response.description}`;
        out.push(`| ${status} | ${cell(what)} |`);
      }
      out.push('');
    }
  }

  out.push('## Webhooks', '', 'Posted to your webhook endpoints (see `POST /v1/webhook-endpoints`), signed per [Standard Webhooks](https://www.standardwebhooks.com/).', '');
  out.push('| Event | When | Payload |', '| --- | --- | --- |');
  for (const [type, item] of Object.entries<Json>(doc.webhooks)) {
    const payload = typeOf(item.post.requestBody.content['application/json'].schema);
    out.push(`| \`${type}\` | ${cell(item.post.summary)} | [\`${payload}\`](#${anchor(payload)}) |`);
  }
  out.push(
    '',
    'Every payload is `{type, timestamp, business_id, data}`; headers `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.',
    '',
  );

  out.push('## Schemas', '');
  for (const name of Object.keys(schemas).sort()) {
    const schema = schemas[name]!;
    out.push(`### ${name}`, '');
    if (schema.description) out.push(schema.description, '');
    const table = fieldsTable(schema, schemas);
    if (table.length) out.push(...table);
    else out.push(`\`${cell(typeOf(schema))}\``, '');
  }
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
