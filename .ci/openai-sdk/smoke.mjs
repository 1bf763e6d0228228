// The official openai npm package against a running Promptline: what a team's JavaScript code does after changing
// baseURL. Run by .ci/openai-sdk/run, which starts the packaged service and registers the echo model and a prompt.
// Needs PROMPTLINE_URL (…/v1), PROMPTLINE_KEY, PROMPT_NAME (a chat prompt with the variables product and ticket, on
// the echo model) and MODEL_NAME (the echo model's registered name).
import assert from "node:assert/strict";
import OpenAI, { NotFoundError, AuthenticationError } from "openai";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const client = new OpenAI({ baseURL: env("PROMPTLINE_URL"), apiKey: env("PROMPTLINE_KEY"), maxRetries: 0 });
const prompt = `prompt:${env("PROMPT_NAME")}`;
const model = env("MODEL_NAME");
const variables = { product: "Promptline", ticket: "I was charged twice" };
// The echo model answers with the rendered messages, one per line.
const rendered = "You triage support tickets for Promptline.\nI was charged twice";

async function check(name, body) {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (error) {
    console.error(`FAIL ${name}`);
    throw error;
  }
}

await check("models.list names the registered model", async () => {
  const ids = [];
  for await (const entry of client.models.list()) ids.push(entry.id);
  assert.ok(ids.includes(model), `no ${model} in ${ids.join(", ")}`);
});

await check("chat.completions.create with a saved prompt, plain", async () => {
  const { data, response } = await client.chat.completions
    .create({ model: prompt, messages: [], prompt_variables: variables })
    .withResponse();
  assert.equal(data.object, "chat.completion");
  assert.equal(data.choices[0].message.role, "assistant");
  assert.equal(data.choices[0].message.content, rendered);
  assert.equal(data.choices[0].finish_reason, "stop");
  assert.ok(data.usage.total_tokens > 0);
  assert.ok(response.headers.get("x-promptline-execution-id"), "no execution id header");
});

await check("chat.completions.create with a saved prompt, streamed with usage", async () => {
  const stream = await client.chat.completions.create({
    model: prompt,
    messages: [],
    prompt_variables: variables,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  let finishReason = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, "chat.completion.chunk");
    if (chunk.choices.length === 0) {
      usage = chunk.usage;
      continue;
    }
    text += chunk.choices[0].delta.content ?? "";
    finishReason = chunk.choices[0].finish_reason ?? finishReason;
  }
  assert.equal(text, rendered);
  assert.equal(finishReason, "stop");
  assert.ok(usage && usage.completion_tokens > 0, "no usage chunk");
});

await check("chat.completions.create with a registered model and the caller's messages", async () => {
  const completion = await client.chat.completions.create({
    model,
    messages: [{ role: "user", content: "Hello from the SDK" }],
  });
  assert.equal(completion.choices[0].message.content, "Hello from the SDK");
});

await check("an unknown prompt is the SDK's NotFoundError", async () => {
  await assert.rejects(
    client.chat.completions.create({ model: "prompt:no-such-prompt", messages: [], prompt_variables: variables }),
    (error) => error instanceof NotFoundError && error.status === 404,
  );
});

await check("a wrong key is the SDK's AuthenticationError", async () => {
  const stranger = new OpenAI({ baseURL: env("PROMPTLINE_URL"), apiKey: "pl_wrong", maxRetries: 0 });
  await assert.rejects(stranger.models.list(), (error) => error instanceof AuthenticationError && error.status === 401);
});

await check("responses.create with a prompt reference", async () => {
  const response = await client.responses.create({ prompt: { id: env("PROMPT_NAME"), variables } });
  assert.equal(response.output_text, rendered);
});

await check("responses.create with a prompt reference, streamed", async () => {
  const stream = await client.responses.create({ prompt: { id: env("PROMPT_NAME"), variables }, stream: true });
  let text = "";
  let completed = null;
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.completed") completed = event.response;
  }
  assert.equal(text, rendered);
  assert.ok(completed, "no response.completed event");
  assert.equal(completed.status, "completed");
});
