-- GET /v1/calls/:requestId falls back to a call's metered outcome (a call another server process
-- handled); without this index that lookup would scan every usage row.
CREATE INDEX usage_events_request ON usage_events (request_id);
