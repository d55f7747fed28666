// Test process environment: quiet the AWS SDK's Node-version notice so test output stays readable.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
