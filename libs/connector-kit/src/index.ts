// Public API of @platform/connector-kit: the shape every connector shares (see README.md).
export { ConnectorError, WebhookRejectedError, InvalidRawEventError, SecretBoxError } from './errors';
export { calledUrl, checkPublicUrl } from './public-url';
export type { CalledRequest, PublicUrlOptions } from './public-url';
export { parseForm, formValue, maxFormParams } from './form';
export type { FormParams } from './form';
export { RawIngress, readBoundedBody } from './raw-ingress';
export type { WebhookRequest, CalledWebhook, AcceptedWebhook, WebhookVerifier, RawSink, RawIngressOptions } from './raw-ingress';
export { SecretBox, parseSecretKeys } from './secret-box';
export type { SecretKey } from './secret-box';
export type { RawEvent, RouteLookup, RoutedMetadata, Routed, OutboundJob, SendOutcome, ConnectorDefinition, ChannelLookup } from './connector';
export { SOURCE_ID_HEADER, versionOf } from './connector-state';
export { buildConnectorTopology } from './connector-topology';
export type { ConnectorTopologyOptions } from './connector-topology';
export { addConnectorRouter, CONNECTOR_ROUTER_NODES } from './connector-router';
export type { ConnectorRouterOptions } from './connector-router';
export type { OutboundOptions } from './outbound-processor';
// The send-epoch rule lives in @platform/common (webhooks applies it too); re-exported for the outbound guard's users.
export { sendEpochGuard, senderAt, parseSendEpochs } from '@platform/common';
export type { SendEpoch, SendEpochs, SendGuard } from '@platform/common';
export type { PlacedMetadata } from './placed-metadata';
