import assert from "node:assert/strict";
import {
  parseTopicFilters,
  topicChannel,
  type TopicFilter,
} from "./topic_channel.ts";

function filters(list: string): TopicFilter[] {
  const f = parseTopicFilters(list);
  if ("reason" in f) throw new Error(f.reason);
  return f;
}

Deno.test("topic channel - the levels after the filter's fixed prefix, joined with dots", () => {
  const f = filters("osc/#");
  assert.equal(topicChannel("osc/lab/temp", f), "lab.temp");
  assert.equal(topicChannel("osc/temp", f), "temp");
  // nothing after the prefix: the payload names the channel
  assert.equal(topicChannel("osc", f), null);
  assert.equal(topicChannel("osc/", f), null);
});

Deno.test("topic channel - + levels count from the first wildcard; the first filter that matches wins", () => {
  const f = filters("lab/+/temp, osc/#");
  assert.equal(topicChannel("lab/bench1/temp", f), "bench1.temp");
  assert.equal(topicChannel("osc/a/b/c", f), "a.b.c");
  assert.deepEqual(topicChannel("lab/bench1/hum", f), {
    reason: 'topic "lab/bench1/hum" matches none of the filters',
  });
});

Deno.test("topic channel - levels become valid channel parts; $ topics never match a wildcard", () => {
  const f = filters("#");
  assert.equal(topicChannel("room 1/t°C", f), "room_1.t_C");
  assert.equal(typeof topicChannel("$SYS/broker/load", f), "object");
  assert.equal(typeof topicChannel("x/" + "a".repeat(70), f), "object");
});

Deno.test("topic filters - malformed filters are refused with the reason", () => {
  for (
    const [list, reason] of [
      ["osc/#/x", "# may only be the last level"],
      ["osc/a+", "+ and # must fill a whole topic level"],
      ["$share/g/osc/#", "OSC_MQTT_GROUP"],
      [" , ", "no topic filter"],
    ]
  ) {
    const f = parseTopicFilters(list);
    assert.ok(
      "reason" in f && f.reason.includes(reason),
      `${list}: ${JSON.stringify(f)}`,
    );
  }
});
