-- Demo data for trying Promptline out: one organization, its owner, four models and two prompts.
-- Idempotent: fixed ids and ON CONFLICT DO NOTHING, so running it again changes nothing and never overwrites edits.

INSERT INTO organizations (id, name, slug)
VALUES ('00000000-0000-7000-8000-000000000001', 'Demo', 'demo')
ON CONFLICT DO NOTHING;

INSERT INTO users (id, organization_id, email, name, role)
VALUES ('00000000-0000-7000-8000-000000000101', '00000000-0000-7000-8000-000000000001',
        'owner@demo.promptline.dev', 'Demo Owner', 'owner')
ON CONFLICT DO NOTHING;

INSERT INTO models (id, organization_id, provider, name, provider_model_id, base_url, parameters, credential_env_var,
                    input_price_per_million, output_price_per_million)
VALUES ('00000000-0000-7000-8000-000000000201', '00000000-0000-7000-8000-000000000001',
        'echo', 'echo', 'echo', NULL, '{}', NULL, 0, 0),
       ('00000000-0000-7000-8000-000000000202', '00000000-0000-7000-8000-000000000001',
        'openai', 'gpt-4o-mini', 'gpt-4o-mini', NULL, '{"temperature": 0.2, "maxTokens": 512}',
        'OPENAI_API_KEY', 0.15, 0.60),
       ('00000000-0000-7000-8000-000000000203', '00000000-0000-7000-8000-000000000001',
        'anthropic', 'claude-sonnet', 'claude-sonnet-4-5', NULL, '{"temperature": 0.2, "maxTokens": 1024}',
        'ANTHROPIC_API_KEY', 3.00, 15.00),
       ('00000000-0000-7000-8000-000000000204', '00000000-0000-7000-8000-000000000001',
        'custom', 'local-llama', 'llama3.1', 'http://localhost:11434/v1', '{"temperature": 0.7}', NULL, NULL, NULL)
ON CONFLICT DO NOTHING;

INSERT INTO prompts (id, organization_id, name, description, tags, created_by)
VALUES ('00000000-0000-7000-8000-000000000301', '00000000-0000-7000-8000-000000000001', 'support-triage',
        'Classifies a support ticket and drafts a first answer.', '{support,triage}',
        '00000000-0000-7000-8000-000000000101'),
       ('00000000-0000-7000-8000-000000000302', '00000000-0000-7000-8000-000000000001', 'summarize',
        'Summarizes a text in a given number of sentences.', '{writing}',
        '00000000-0000-7000-8000-000000000101')
ON CONFLICT DO NOTHING;

INSERT INTO prompt_versions (id, organization_id, prompt_id, version, template_format, template, variables, model_id,
                             parameters, commit_message, created_by)
VALUES ('00000000-0000-7000-8000-000000000401', '00000000-0000-7000-8000-000000000001',
        '00000000-0000-7000-8000-000000000301', 1, 'text',
        '"Classify this support ticket as billing, bug or question: {{ticket}}"', '{ticket}',
        '00000000-0000-7000-8000-000000000201', '{}', 'First draft', '00000000-0000-7000-8000-000000000101'),
       ('00000000-0000-7000-8000-000000000402', '00000000-0000-7000-8000-000000000001',
        '00000000-0000-7000-8000-000000000301', 2, 'chat',
        '[{"role": "system", "content": "You triage support tickets for {{product}}. Answer with the category, then a short reply."},
          {"role": "user", "content": "{{ticket}}"}]',
        '{product,ticket}', '00000000-0000-7000-8000-000000000201', '{"temperature": 0}',
        'Chat form with a system message', '00000000-0000-7000-8000-000000000101'),
       ('00000000-0000-7000-8000-000000000403', '00000000-0000-7000-8000-000000000001',
        '00000000-0000-7000-8000-000000000302', 1, 'text',
        '"Summarize the following text in {{sentences}} sentences:\n\n{{text}}"', '{sentences,text}',
        '00000000-0000-7000-8000-000000000201', '{}', 'First draft', '00000000-0000-7000-8000-000000000101')
ON CONFLICT DO NOTHING;

INSERT INTO prompt_labels (organization_id, prompt_id, name, prompt_version_id, updated_by)
VALUES ('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000301', 'production',
        '00000000-0000-7000-8000-000000000402', '00000000-0000-7000-8000-000000000101'),
       ('00000000-0000-7000-8000-000000000001', '00000000-0000-7000-8000-000000000302', 'production',
        '00000000-0000-7000-8000-000000000403', '00000000-0000-7000-8000-000000000101')
ON CONFLICT DO NOTHING;
