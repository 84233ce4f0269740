// Runs Matrix requests with matrix-js-sdk (the SDK under Element Web) and prints, per
// step, what the SDK gave the application: a result, or the MatrixError it raised.
//
//   node refusals.mjs '{"baseUrl": "...", "userId": "@a:localhost", "accessToken": "...",
//                      "steps": [{"op": "invite", "roomId": "!r", "userId": "@b:localhost"}]}'
//
// Ops: invite {roomId, userId} · join {roomId} · createRoom {options} ·
//      setAccountData {type, content}. Output: one JSON array on stdout.
import { createClient, MatrixError } from "matrix-js-sdk";
import { logger } from "matrix-js-sdk/lib/logger.js";

logger.disableAll?.();

const plan = JSON.parse(process.argv[2]);
const client = createClient({
  baseUrl: plan.baseUrl,
  userId: plan.userId,
  accessToken: plan.accessToken,
  deviceId: plan.deviceId,
});

async function run(step) {
  switch (step.op) {
    case "invite":
      return client.invite(step.roomId, step.userId);
    case "join":
      return client.joinRoom(step.roomId);
    case "createRoom":
      return client.createRoom(step.options);
    case "setAccountData":
      return client.setAccountData(step.type, step.content);
    default:
      throw new Error(`unknown op ${step.op}`);
  }
}

const results = [];
for (const step of plan.steps) {
  try {
    const value = await run(step);
    results.push({ op: step.op, ok: true, value: value ?? null });
  } catch (err) {
    if (err instanceof MatrixError) {
      results.push({
        op: step.op, ok: false, matrixError: true,
        errcode: err.errcode, httpStatus: err.httpStatus,
        // What Element shows: the `error` of the body the SDK parsed, and its message.
        error: err.data?.error ?? null, message: err.message, data: err.data,
      });
    } else {
      results.push({ op: step.op, ok: false, matrixError: false, message: String(err) });
    }
  }
}
client.stopClient();
process.stdout.write(JSON.stringify(results));
