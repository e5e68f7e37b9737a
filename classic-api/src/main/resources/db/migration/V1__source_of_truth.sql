-- GDN source of truth. Every committed ruleset version is immutable; a change of flags, API keys
-- or allowed origins is a new, higher version, committed in one transaction with a NOTIFY.

create table environments (
    id              text primary key check (id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    allowed_origins text[] not null default '{}',
    created_at      timestamptz not null default now()
);

create table api_keys (
    id             bigserial primary key,
    environment_id text not null references environments (id),
    kind           text not null check (kind in ('client', 'server')),
    name           text not null default '',
    sha256         bytea not null unique check (length(sha256) = 32), -- only the hash of the secret
    created_at     timestamptz not null default now(),
    revoked_at     timestamptz
);
create index api_keys_active on api_keys (environment_id) where revoked_at is null;

create table ruleset_versions (
    environment_id text not null references environments (id),
    version        bigint not null check (version > 0),
    change         text not null check (change in ('upload', 'rollback', 'keys', 'origins')),
    flagd_source   text not null,          -- the flag file as uploaded (or as copied by a rollback)
    compiled       bytea not null,         -- the serialized gdn.ruleset.v1.Ruleset, API key hashes included
    author         text not null,
    comment        text not null default '',
    created_at     timestamptz not null default now(),
    primary key (environment_id, version)
);

-- The signed artifact of a version, made once, so every re-publication writes identical bytes.
create table signed_artifacts (
    environment_id text not null,
    version        bigint not null,
    key_id         text not null,
    envelope       bytea not null,
    signed_at      timestamptz not null default now(),
    primary key (environment_id, version),
    foreign key (environment_id, version) references ruleset_versions (environment_id, version)
);

-- What the sync daemon has published where. A version is done when every configured store has a row.
create table publications (
    environment_id text not null,
    version        bigint not null,
    store          text not null,
    published_at   timestamptz not null default now(),
    primary key (environment_id, version, store),
    foreign key (environment_id, version) references ruleset_versions (environment_id, version)
);
