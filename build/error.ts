/** A build failure with a message for the person building; printed without a stack. */
export class BuildError extends Error {}
