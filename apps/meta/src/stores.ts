/** Stores of the two streams applications (the connector kit's one store each). */
export const PAGE_STORE = 'meta-state';
export const WHATSAPP_STORE = 'meta-whatsapp-state';
