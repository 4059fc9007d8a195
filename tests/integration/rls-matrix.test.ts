import { describe, expect, it } from "vitest";
import { makeCircleFixture } from "../helpers/circle-fixture";
describe("probe", () => {
  it("builds", async () => {
    const t = Date.now();
    const f = await makeCircleFixture();
    console.log("fixture ms", Date.now() - t);
    const r = await f.as("supW").from("tasks").select("title");
    console.log(r);
    console.log(await f.as("anon").from("tasks").select("title"));
    console.log(await f.as("supW").rpc("preview_tasks", { member_id: f.members.supW }));
    console.log(await f.as("outsider").rpc("preview_tasks", { member_id: f.members.supW }));
    console.log(await f.as("anon").rpc("preview_tasks", { member_id: f.members.supW }));
    console.log(await f.as("anon").rpc("accept_invitation", { token: f.invitation.token }));
    console.log(await f.as("owner").from("invitations").select("*"));
    console.log(await f.as("owner").rpc("create_invitation", {circle_id: f.circleId, email: "bad"}));
    console.log((await f.as("owner").rpc("preview_tasks", { member_id: f.members.supW }).gte("starts_at", new Date().toISOString())).data?.length);
  });
});
