import Ajv, { type ValidateFunction } from 'ajv';

/** Checks a success answer against the served document; a string says how it differs. */
export type ResponseCheck = (endpoint: string, status: number, body: unknown) => string | undefined;

interface Operation {
  readonly responses?: Record<string, { readonly content?: Record<string, { readonly schema?: { readonly $ref?: string } }> }>;
}
interface Document {
  readonly paths?: Record<string, { readonly post?: Operation }>;
  readonly components?: { readonly schemas?: Record<string, unknown> };
}

/**
 * The drift check between what the apps answer and what their OpenAPI documents say: every success
 * answer the e2e suites get must be one the gateway's merged `/openapi.json` declares for that
 * endpoint (its status, and its body schema).
 */
export async function loadResponseCheck(gatewayUrl: string): Promise<ResponseCheck> {
  const document = (await (await fetch(`${gatewayUrl}/openapi.json`)).json()) as Document;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  ajv.addSchema({ $id: 'api', components: document.components ?? {} });
  const validators = new Map<string, ValidateFunction>();
  return (endpoint, status, body) => {
    const responses = document.paths?.[`/${endpoint}`]?.post?.responses;
    if (!responses) return `${endpoint} is not in the document`;
    const declared = responses[String(status)];
    if (!declared) return `${endpoint} answered ${status}, the document declares ${Object.keys(responses).join(', ')}`;
    const ref = declared.content?.['application/json']?.schema?.$ref;
    if (ref === undefined) return body === undefined ? undefined : `${endpoint} ${status} has a body the document does not declare`;
    let validate = validators.get(ref);
    if (!validate) {
      validate = ajv.getSchema(`api${ref}`);
      if (!validate) return `${ref} is not in the document's components`;
      validators.set(ref, validate);
    }
    return validate(body) ? undefined : `${endpoint} ${status}: ${ajv.errorsText(validate.errors)}`;
  };
}
