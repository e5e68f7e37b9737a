package dev.gdn.sync.store.s3;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The credentials GDN looks up for an {@code s3://} store, failing with one line that says what to do.
 * When the AWS default chain finds nothing, the SDK's own message lists all six providers it tried and
 * why each failed (~1,500 characters), which told users nothing they could act on, and did so on every
 * store call.
 */
final class ExplainedCredentials implements AwsCredentialsProvider {
    /** Every failure this class reports starts with this, so a store can tell it from a network fault. */
    static final String NO_CREDENTIALS = "no AWS credentials";

    private final AwsCredentialsProvider delegate;
    private final String explanation;

    private ExplainedCredentials(AwsCredentialsProvider delegate, String explanation) {
        this.delegate = delegate;
        this.explanation = explanation;
    }

    /** The default chain, or the named profile of the shared config files. */
    static ExplainedCredentials forProfile(String profile) {
        if (profile == null || profile.isEmpty()) {
            return new ExplainedCredentials(DefaultCredentialsProvider.builder().build(), NO_CREDENTIALS
                    + " (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or add ?profile=NAME to the store URI)");
        }
        return new ExplainedCredentials(ProfileCredentialsProvider.builder().profileName(profile).build(), NO_CREDENTIALS
                + " in profile '" + profile + "' (~/.aws/credentials or ~/.aws/config; AWS_SHARED_CREDENTIALS_FILE moves them)");
    }

    /** The one-line explanation when {@code e} (or a cause) is a missing-credentials failure, else null. */
    static String explanation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException && t.getMessage() != null && t.getMessage().startsWith(NO_CREDENTIALS)) {
                return t.getMessage();
            }
        }
        return null;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        try {
            return delegate.resolveCredentials();
        } catch (SdkClientException e) {
            throw SdkClientException.builder().message(explanation).cause(e).build();
        }
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
