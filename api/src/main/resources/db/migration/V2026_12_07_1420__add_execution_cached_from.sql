-- An execution answered from the response cache (issue 20) names the execution whose answer it served: it called no
-- provider and cost nothing. No foreign key: the source may be deleted with its prompt's retention while the copy
-- stays, and the id alone says where the answer came from.
ALTER TABLE executions ADD COLUMN cached_from uuid;
