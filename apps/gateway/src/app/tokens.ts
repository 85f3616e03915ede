/** Injection token of the gateway's wiring (`GatewayDeps`). */
export const GATEWAY_DEPS = Symbol('GATEWAY_DEPS');
