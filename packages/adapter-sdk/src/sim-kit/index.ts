// Pieces every native-cloud simulator needs: listening on a free loopback port, holding requests
// to simulate a hanging cloud, posting signed pushes to the hub, calling its verify endpoint, and
// a stand-in for the hub in adapter tests.
export { type Received, startHubStub } from "./hub-stub.ts";
export { type HubLink, type PostResult, postToHub, verifyAtHub } from "./post.ts";
export { createHang, type Listening, listen } from "./server.ts";
