export const TWILIO_CHANNELS = Symbol('TWILIO_CHANNELS');
export const TWILIO_INGRESS = Symbol('TWILIO_INGRESS');
