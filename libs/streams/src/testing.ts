// Public test entry point of @platform/streams: the topology test driver.
